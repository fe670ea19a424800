// The patterns and small field builders the stack-file schema shares: ARNs, ids, names, paths.
import { z } from "zod";
import { oneOf, says, text } from "./rules";

export const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
export const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
export const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
export const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
export const COMMIT = /^[0-9a-fA-F]{7,40}$/;
/** A stack name: it starts every physical name (`ecs-ship-<stack>-…`), so it is short and lowercase. */
export const STACK_NAME = /^[a-z][a-z0-9-]{0,19}$/;
/** An AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
export const PATH = /^\/[\x21-\x7e]{0,1023}$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** A lowercase fully qualified name of two or more labels, no wildcard (Route 53 and ACM both take it). */
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
export const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const ROUTE_PATH = /^\/[A-Za-z0-9._~\/-]{0,127}$/;

export const SECRET_REF = "must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]) or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)";
export const actions = (what: string) => z.union([z.string(), z.array(z.string())], says(`must be ${what} or a list of them`));
/** An IAM statement as the app's task role takes it; other IAM fields (Sid, Condition) pass through. */
export const statementSchema = z.looseObject({
    Effect: oneOf(["Allow", "Deny"]),
    Action: actions("an IAM action"),
    Resource: actions("a resource ARN"),
}, says("must be an IAM statement with Effect, Action and Resource"));
export const kmsKey = () => text(KMS_KEY_ARN, "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)");
export const exactName = (what: string) => text(/^[^*?\[\]\s]+$/, `must be an exact ${what} name, with no wildcard ("*", "?", "[") or space`);
export const path = () => text(PATH, 'must be a path starting with "/"');
