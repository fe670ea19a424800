// Workers, scheduled jobs, `command` and `exec` in the stack file: what is accepted, and each mistake
// with its exact message (key, what is allowed, what was given). parseSettings is pure: no mocks.
import { strict as assert } from "assert";
import { parseSettings } from "../config";
import { isTimeZone, scheduleProblem } from "../config/jobs";
import { queueNameOf } from "../config/worker";
import { problems, raw } from "./support/configFixtures";

const QUEUE = "arn:aws:sqs:us-east-1:123456789012:shop-tasks";
const worker = (extra: Record<string, unknown> = {}) => ({ kind: "worker", mode: "fargate", image: { context: "app" }, command: ["celery", "worker"], ...extra });
const stack = (services: Record<string, unknown>, more: Record<string, unknown> = {}) => raw({ services: { web: { mode: "fargate", image: { context: "app" } }, ...services }, ...more });
const job = (extra: Record<string, unknown> = {}) => ({ service: "web", command: ["python", "manage.py", "clearsessions"], schedule: "cron(0 3 * * ? *)", ...extra });

describe("config: workers", () => {
    it("accepts a worker with a command, a count and queue scaling, and passes them on as set", () => {
        const s = parseSettings(stack({ worker: worker({ desiredCount: 2, scaling: { min: 2, max: 10, metric: "queue", target: 100, queueArn: QUEUE } }) }, { containerInsights: true }));
        const w = s.services.find((x) => x.name === "worker")!;
        assert.deepEqual([w.kind, w.command, w.desiredCount, w.scaling], ["worker", ["celery", "worker"], 2, { min: 2, max: 10, metric: "queue", target: 100, queueArn: QUEUE }]);
        assert.equal(queueNameOf(QUEUE), "shop-tasks");
        assert.equal(queueNameOf("https://sqs.us-east-1.amazonaws.com/123456789012/shop-tasks.fifo"), "shop-tasks.fifo");
    });

    it("refuses a worker with a port, a health check, a domain, a path or a 5xx alarm, naming each key", () => {
        assert.deepEqual(problems(stack({ worker: worker({ port: 8080, healthCheckPath: "/health", domain: "w.example.com", path: "/w", priority: 10, alarms: { http5xx: 5 } }) })), [
            "ecs-ship:services.worker.port: a worker has no port and no load balancer, so port does not apply to kind: worker; remove it, got 8080",
            'ecs-ship:services.worker.healthCheckPath: a worker has no port and no load balancer, so healthCheckPath does not apply to kind: worker; remove it, got "/health"',
            'ecs-ship:services.worker.domain: a worker has no port and no load balancer, so domain does not apply to kind: worker; remove it, got "w.example.com"',
            'ecs-ship:services.worker.path: a worker has no port and no load balancer, so path does not apply to kind: worker; remove it, got "/w"',
            "ecs-ship:services.worker.priority: a worker has no port and no load balancer, so priority does not apply to kind: worker; remove it, got 10",
            "ecs-ship:services.worker.alarms.http5xx: the deployment alarms watch a load balancer's target group, which a worker has none of; remove alarms from kind: worker, got 5",
        ]);
    });

    it("refuses a release task, sidecars or a traffic-shifting deployment on a worker (merged with release and strategies)", () => {
        const sidecars = { proxy: { image: "public.ecr.aws/envoyproxy/envoy@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" } };
        assert.deepEqual(problems(stack({ worker: worker({ release: { command: ["python", "manage.py", "migrate"] }, sidecars, deployment: { strategy: "canary" } }) })), [
            'ecs-ship:services.worker.deployment: a worker has no load balancer to shift traffic on and rolls its tasks; remove deployment from kind: worker, got {"strategy":"canary"}',
            'ecs-ship:services.worker.release: a worker runs no release task; put release on the web service that shares its image, got {"command":["python","manage.py","migrate"]}',
            'ecs-ship:services.worker.sidecars: sidecars apply only to web services (kind: web); remove them from kind: worker, got {"proxy":{"image":"public.ecr.aws/envoyproxy/envoy@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}',
        ]);
    });

    it("refuses an Express worker, and requests scaling on a worker", () => {
        assert.deepEqual(problems(stack({ worker: worker({ mode: "express", scaling: { metric: "requests" } }) })), [
            'ecs-ship:services.worker.mode: a worker runs as an ECS service on Fargate; Express Mode serves web traffic only, so kind: worker needs mode: fargate, got "express"',
            'ecs-ship:services.worker.scaling.metric: a worker has no load balancer to count requests; use cpu, memory or queue, got "requests"',
        ]);
    });

    it("asks queue scaling for exactly one queue, a target, and Container Insights", () => {
        assert.deepEqual(problems(stack({ worker: worker({ scaling: { metric: "queue" } }) })).sort(), [
            'ecs-ship:services.worker.scaling.metric: queue scaling divides the backlog by RunningTaskCount, which only Container Insights publishes; set ecs-ship:containerInsights: true (billed per metric), got "queue" with containerInsights false',
            "ecs-ship:services.worker.scaling.queueUrl: exactly one of queueUrl or queueArn is required with metric: queue, got neither",
            "ecs-ship:services.worker.scaling.target: is required with metric: queue: the messages one task may have waiting (acceptable latency / seconds per message), got nothing",
        ]);
    });

    it("keeps the queue metric and its queue to workers", () => {
        assert.deepEqual(problems(raw({ containerInsights: true, services: { web: { mode: "fargate", image: { context: "app" }, scaling: { metric: "cpu", queueArn: QUEUE } }, api: { mode: "fargate", image: { context: "app" }, scaling: { metric: "queue", target: 5, queueArn: QUEUE } } } })), [
            'ecs-ship:services.api.scaling.metric: queue applies only to kind: worker (a web service scales on cpu, memory or requests), got "queue"',
            `ecs-ship:services.web.scaling.queueArn: applies only with scaling.metric: queue, got "${QUEUE}"`,
        ]);
    });
});

describe("config: command and exec", () => {
    it("refuses exec on Express, and an empty command", () => {
        assert.deepEqual(problems(raw({ services: { web: { mode: "express", image: { context: "app" }, exec: true, command: [] } } })), [
            "ecs-ship:services.web.command: must list the program and its arguments, got []",
            "ecs-ship:services.web.exec: ECS Exec is not offered by Express Mode (CreateExpressGatewayService takes no enableExecuteCommand); allowed only with mode: fargate, got true",
        ]);
    });

    it("accepts exec on a Fargate web service and on a worker", () => {
        const s = parseSettings(stack({ worker: worker({ exec: true }) }, { services: { web: { mode: "fargate", image: { context: "app" }, exec: true }, worker: worker({ exec: true }) } }));
        assert.deepEqual(s.services.map((x) => [x.name, x.exec]), [["web", true], ["worker", true]]);
    });
});

describe("config: scheduled jobs", () => {
    it("accepts a job and passes it on by name, sorted", () => {
        const s = parseSettings(stack({}, { jobs: { nightly: job({ timezone: "Europe/Paris", retries: 2 }), "a-report": job({ schedule: "rate(1 day)" }) } }));
        assert.deepEqual(s.jobs.map((j) => [j.name, j.schedule, j.timezone]), [["a-report", "rate(1 day)", undefined], ["nightly", "cron(0 3 * * ? *)", "Europe/Paris"]]);
    });

    it("refuses a job naming an unknown service, listing the known ones", () => {
        assert.deepEqual(problems(stack({}, { jobs: { nightly: job({ service: "api" }) } })), [
            'ecs-ship:jobs.nightly.service: must name a service of ecs-ship:services (web), got "api"',
        ]);
    });

    it("refuses a bad cron, a bad rate, an unknown time zone and out-of-range retries, age and window", () => {
        assert.deepEqual(problems(stack({}, { jobs: { nightly: job({ schedule: "cron(0 3 * * *)", timezone: "Europe/Atlantis", retries: 200, maxAgeSeconds: 30, flexibleWindowMinutes: 2000 }), hourly: job({ schedule: "rate(1 hours)" }) } })).sort(), [
            'ecs-ship:jobs.hourly.schedule: rate(1 …) takes the singular unit, got "rate(1 hours)"',
            'ecs-ship:jobs.nightly.schedule: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has 5, got "cron(0 3 * * *)"',
            'ecs-ship:jobs.nightly.timezone: must be an IANA time zone name such as Europe/Paris or UTC, got "Europe/Atlantis"',
            "ecs-ship:jobs.nightly.retries: must be an integer from 0 to 185, got 200",
            "ecs-ship:jobs.nightly.maxAgeSeconds: must be an integer from 60 to 86400, got 30",
            "ecs-ship:jobs.nightly.flexibleWindowMinutes: must be an integer from 0 to 1440, got 2000",
        ].sort());
    });

    it("refuses a job whose task-definition family a service already takes (service <name>-job)", () => {
        assert.deepEqual(problems(stack({ "nightly-job": { mode: "fargate", image: { context: "app" } } }, { jobs: { nightly: job() } })), [
            'ecs-ship:jobs.nightly: shares its task-definition family <prefix>-nightly-job with the service nightly-job; rename the job or the service, got job "nightly"',
        ]);
        // The deploy role passes roles by pattern now (no `…-pass-job-<name>` policy), so job-<name> is a fine service name.
        assert.deepEqual(parseSettings(stack({ "job-nightly": { mode: "fargate", image: { context: "app" } } }, { jobs: { nightly: job() } })).jobs.map((j) => j.name), ["nightly"]);
    });

    it("holds a job's size to Fargate's table, from the service's size when it sets none", () => {
        assert.deepEqual(problems(raw({ services: { web: { mode: "fargate", image: { context: "app" }, cpu: 1024, memory: 2048 } }, jobs: { nightly: job({ memory: 512 }) } })), [
            "ecs-ship:jobs.nightly.memory: with cpu 1024 (services.web.cpu), Fargate accepts 2048 to 8192 in steps of 1024 MiB, got memory 512",
        ]);
        // A job that sets a cpu its service's memory does not fit says where that memory came from
        assert.deepEqual(problems(raw({ services: { web: { mode: "fargate", image: { context: "app" }, cpu: 1024, memory: 2048 } }, jobs: { nightly: job({ cpu: 4096 }) } })), [
            "ecs-ship:jobs.nightly.cpu: with cpu 4096, Fargate accepts 8192 to 30720 in steps of 1024 MiB, got memory 2048 (services.web.memory)",
        ]);
    });

    it("reports a service's wrong size once, where it was written, not again for each job that inherits it", () => {
        // GIVEN a web service whose cpu Fargate does not accept, and a job that sets no size of its own
        const p = problems(raw({ services: { web: { mode: "fargate", image: { context: "app" }, cpu: 300 } }, jobs: { nightly: job() } }));
        // THEN the one problem names the service's key, which is in the file; none names jobs.nightly.cpu, which is not
        assert.deepEqual(p, ["ecs-ship:services.web.cpu: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate task sizes), got 300"]);
    });

    it("reads cron and rate as EventBridge Scheduler does", () => {
        for (const ok of ["cron(0 3 * * ? *)", "cron(15 10 ? * MON-FRI *)", "cron(0/15 * * * ? *)", "cron(0 8 1 * ? 2027)", "cron(0 12 ? * 6L *)", "rate(5 minutes)", "rate(1 hour)"]) {
            assert.equal(scheduleProblem(ok), undefined, ok);
        }
        assert.equal(scheduleProblem("cron(0 3 1 * MON *)"), "exactly one of the cron day-of-month and day-of-week fields must be ?");
        assert.equal(scheduleProblem("cron(61 3 * * ? *)"), 'the cron minutes field "61" is not valid');
        assert.equal(scheduleProblem("every day"), "must be cron(minutes hours day-of-month month day-of-week year) or rate(value minute|minutes|hour|hours|day|days)");
        assert.equal(scheduleProblem("rate(0 minutes)"), "a rate must be at least 1");
        assert.deepEqual([isTimeZone("UTC"), isTimeZone("America/New_York"), isTimeZone("Mars/Olympus")], [true, true, false]);
    });
});
