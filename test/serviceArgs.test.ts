// The shared service contract's pure helpers, without mocks.
import { strict as assert } from "assert";
import {
    FARGATE_CPU_MEMORY, containerEnvironment, containerSecrets, describeMemoryFor, secretKind, secretsPolicy,
    serviceResourceName, stackPrefix, taskPolicy,
} from "../components/service/serviceArgs";

const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf";
const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/0b6f2a59-8c1d-4c4e-9a53-2f1d0c7e6b11";

describe("serviceArgs: secrets policy", () => {
    it("grants GetSecretValue on exactly the Secrets Manager ARNs", () => {
        assert.deepEqual(secretsPolicy({ DB: SM }), { Version: "2012-10-17", Statement: [{ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SM] }] });
    });

    it("grants GetParameters on exactly the SSM parameter ARNs", () => {
        assert.deepEqual(secretsPolicy({ KEY: SSM }), { Version: "2012-10-17", Statement: [{ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [SSM] }] });
    });

    it("adds kms:Decrypt on the key only when a key is configured", () => {
        assert.deepEqual(secretsPolicy({ DB: SM }, KEY)!.Statement, [
            { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SM] },
            { Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KEY] },
        ]);
        assert.equal(JSON.stringify(secretsPolicy({ DB: SM })).includes("kms:"), false);
    });

    it("names an ARN used by two variables once", () => {
        assert.deepEqual((secretsPolicy({ A: SM, B: SM })!.Statement as any[])[0].Resource, [SM]);
    });

    it("returns nothing when there are no secrets, even with a key", () => {
        assert.equal(secretsPolicy({}, KEY), undefined);
    });

    it("tells Secrets Manager, SSM and anything else apart", () => {
        assert.deepEqual([secretKind(SM), secretKind(SSM), secretKind("arn:aws:s3:::bucket/key")], ["secretsmanager", "ssm", undefined]);
    });
});

describe("serviceArgs: container shapes", () => {
    it("sorts environment variables by name", () => {
        assert.deepEqual(containerEnvironment({ b: "2", A: "1", a: "3" }), [{ name: "A", value: "1" }, { name: "a", value: "3" }, { name: "b", value: "2" }]);
    });

    it("sorts secrets by name, keeping each ARN as valueFrom", () => {
        assert.deepEqual(containerSecrets({ Z: SSM, B: SM }), [{ name: "B", valueFrom: SM }, { name: "Z", valueFrom: SSM }]);
    });

    it("makes no task policy without statements", () => {
        assert.equal(taskPolicy(undefined), undefined);
        assert.equal(taskPolicy([]), undefined);
    });
});

describe("serviceArgs: Fargate sizes and names", () => {
    // Source: Amazon ECS Developer Guide, Fargate task size table.
    it("allows 512-2048 MiB at 256 CPU and 8-30 GiB in 1 GiB steps at 4096 CPU", () => {
        assert.deepEqual(FARGATE_CPU_MEMORY[256], [512, 1024, 2048]);
        assert.equal(FARGATE_CPU_MEMORY[4096][0], 8192);
        assert.equal(FARGATE_CPU_MEMORY[4096].at(-1), 30720);
        assert.equal(FARGATE_CPU_MEMORY[4096].length, 23);
    });

    it("describes long memory ranges by their bounds and step", () => {
        assert.equal(describeMemoryFor(1024), "2048 to 8192 in steps of 1024");
    });

    it("prefixes every name with ecs-ship-<stack>", () => {
        assert.deepEqual([stackPrefix("prod"), serviceResourceName("prod", "web")], ["ecs-ship-prod", "ecs-ship-prod-web"]);
    });
});
