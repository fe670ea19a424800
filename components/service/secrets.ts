// A service's secrets and environment as ECS reads them: which store a secret reference points at (Secrets
// Manager or SSM Parameter Store), the ARN an IAM grant names for it, the execution role's policy to read
// exactly those, and the container's `environment` and `secrets` entries. Pure; part of the service
// contract (serviceArgs.ts re-exports it) and tested with it (test/serviceArgs.test.ts, test/configRules.test.ts).
import * as aws from "@pulumi/aws";

// ---------------------------------------------------------------------------
// Secrets

/**
 * A Secrets Manager reference as ECS takes it: the secret's full ARN, which ends in a hyphen and the
 * 6 random characters Secrets Manager appends to the name, optionally followed by
 * `:<json-key>:<version-stage>:<version-id>` (each part may be empty).
 * Sources: Secrets Manager User Guide, "Secret ARN" (the 6-character suffix); Amazon ECS Developer
 * Guide, "Pass Secrets Manager secrets through Amazon ECS environment variables" (the valueFrom form).
 */
const SECRETS_MANAGER_REF = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})(:[^:]*:[^:]*:[^:]*)?$/;
/** The same ARN without its 6-character suffix: a partial ARN, which no IAM grant on it would match. */
const SECRETS_MANAGER_PARTIAL = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;

export type SecretKind = "secretsmanager" | "ssm";

/** Which store a secret reference points at, or undefined when it is neither. */
export function secretKind(ref: string): SecretKind | undefined {
    if (SECRETS_MANAGER_REF.test(ref)) return "secretsmanager";
    if (SSM_PARAMETER_ARN.test(ref)) return "ssm";
    return undefined;
}

/** True for a Secrets Manager ARN that lacks its 6-character suffix (`…:secret:prod/db`). */
export function isPartialSecretArn(ref: string): boolean {
    return !SECRETS_MANAGER_REF.test(ref) && SECRETS_MANAGER_PARTIAL.test(ref);
}

/** The resource an IAM grant names for a secret reference: the secret's ARN without JSON key or version. */
export function secretResourceArn(ref: string): string {
    const m = SECRETS_MANAGER_REF.exec(ref);
    return m ? m[1] : ref;
}

/**
 * The execution role's inline policy for the service's secrets: exactly the configured
 * ARNs, and `kms:Decrypt` only when a customer-managed key is configured. Returns
 * undefined when there is nothing to read, so no empty policy is created.
 *
 * Source: Amazon ECS Developer Guide, "Pass sensitive data to an Amazon ECS container"
 * (execution role needs secretsmanager:GetSecretValue / ssm:GetParameters, plus kms:Decrypt
 * for a customer-managed key).
 */
export function secretsPolicy(secrets: Record<string, string>, kmsKeyArn?: string): aws.iam.PolicyDocument | undefined {
    const arns = [...new Set(Object.values(secrets).map(secretResourceArn))].sort();
    const sm = arns.filter((a) => secretKind(a) === "secretsmanager");
    const ssm = arns.filter((a) => secretKind(a) === "ssm");
    const statements: aws.iam.PolicyStatement[] = [];
    if (sm.length) statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: sm });
    if (ssm.length) statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
    if (statements.length === 0) return undefined;
    if (kmsKeyArn) statements.push({ Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn] });
    return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------
// Container shapes

export interface NameValue { name: string; value: string }
export interface NameValueFrom { name: string; valueFrom: string }

/** Environment map → container `environment` entries, sorted by name so diffs are stable. */
export function containerEnvironment(environment: Record<string, string>): NameValue[] {
    return Object.keys(environment).sort().map((name) => ({ name, value: environment[name] }));
}

/** Secrets map → container `secrets` entries, sorted by name so diffs are stable. */
export function containerSecrets(secrets: Record<string, string>): NameValueFrom[] {
    return Object.keys(secrets).sort().map((name) => ({ name, valueFrom: secrets[name] }));
}
