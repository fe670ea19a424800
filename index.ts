// The ecs-ship program: read the stack's settings, compose the components, export outputs.
// Nothing else lives here: defaults and validation are in config.ts, resources in components/.
import * as aws from "@pulumi/aws";
import { loadSettings } from "./config";

// Validates everything first: invalid configuration throws before any resource exists.
const settings = loadSettings();

// Every taggable resource carries the stack's tags through the provider's default tags.
const provider = new aws.Provider(settings.prefix, {
    region: settings.region as aws.Region,
    defaultTags: { tags: settings.tags },
});

export const stack = settings.stack;
export const region = provider.region;
