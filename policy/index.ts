// Entry point of the ecs-ship policy pack, run by `pulumi preview|up --policy-pack policy`.
// It only assembles the rules: constructing a PolicyPack starts the analyzer server, so
// nothing else may import this file (tests import ./rules instead).
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules";

new PolicyPack("ecs-ship", { policies: allRules });
