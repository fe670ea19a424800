// The pure front-door decisions (components/frontDoor/frontDoor.ts, components/frontDoor/customDomain.ts defaultZoneName,
// components/fargate/fargateAlarms.ts alarmSpecs), tested without mocks.
import { strict as assert } from "assert";
import { ALB_QUOTAS, priorityBand, priorityCollisions, routeCollisions, routeOf, routesOf, rulePriority, ruleConditions, serviceUrl, sharesLoadBalancer } from "../components/frontDoor/frontDoor";
import { defaultZoneName } from "../components/frontDoor/customDomain";
import { ALARM_DEFAULTS, alarmSpecs } from "../components/fargate/fargateAlarms";

describe("front door: sharing and routing", () => {
    it("shares one load balancer from two Fargate services on, unless the stack says otherwise", () => {
        // GIVEN counts of Fargate services  WHEN decided  THEN two or more share; `shared` overrides either way
        assert.deepEqual([0, 1, 2, 10].map((n) => sharesLoadBalancer(n)), [false, false, true, true]);
        assert.equal(sharesLoadBalancer(10, false), false);
        assert.equal(sharesLoadBalancer(1, true), true);
    });

    it("derives a rule priority from the service name alone, in 1..50000, and keeps an explicit one", () => {
        // GIVEN service names  WHEN their priorities are derived twice  THEN the same, in range; explicit wins
        const names = ["web", "api", "admin", "s0", "s1", "s9"];
        for (const n of names) {
            assert.equal(rulePriority(n), rulePriority(n));
            assert.ok(rulePriority(n) >= 1 && rulePriority(n) <= 50000, `${n}: ${rulePriority(n)}`);
        }
        assert.equal(new Set(names.map((n) => rulePriority(n))).size, names.length);
        assert.equal(rulePriority("web", 7), 7);
    });

    it("routes by domain when there is one, else by /<service>; an explicit path wins", () => {
        // GIVEN three kinds of services  WHEN routed  THEN host, default path, explicit path (no trailing slash)
        assert.deepEqual(routeOf("web", { domain: "www.example.com" }), { host: "www.example.com", path: undefined, priority: rulePriority("web") });
        assert.deepEqual(routeOf("api", {}), { host: undefined, path: "/api", priority: rulePriority("api") });
        assert.deepEqual(routeOf("api", { path: "/v2/", priority: 3 }), { host: undefined, path: "/v2", priority: 3 });
    });

    it("orders derived priorities from the narrowest route to the broadest, whatever the service names", () => {
        // GIVEN many names in each band: host and path, host or path, catch-all
        const names = Array.from({ length: 200 }, (_, i) => `svc-${i}`);
        const narrow = names.map((n) => routeOf(n, { domain: "shop.example.com", path: "/api" }).priority);
        const middle = names.flatMap((n) => [routeOf(n, { domain: "shop.example.com" }).priority, routeOf(n, {}).priority]);
        const broad = names.map((n) => routeOf(n, { path: "/" }).priority);
        // WHEN compared  THEN every narrower rule is evaluated before every broader one (ALB: lowest first)
        assert.ok(Math.max(...narrow) < Math.min(...middle), "host+path before host-only or path-only");
        assert.ok(Math.max(...middle) < Math.min(...broad), "those before the catch-all path /");
        assert.ok(Math.min(...narrow) >= 1 && Math.max(...broad) <= 50000);
        assert.deepEqual([priorityBand({ host: "a", path: "/x" }), priorityBand({ host: "a" }), priorityBand({ path: "/x" }), priorityBand({})], ["hostAndPath", "hostOrPath", "hostOrPath", "catchAll"]);
    });

    it("turns a route into host-header and path-pattern conditions that match the prefix and below", () => {
        assert.deepEqual(ruleConditions({ host: "a.example.com", priority: 1 }), [{ hostHeader: { values: ["a.example.com"] } }]);
        assert.deepEqual(ruleConditions({ path: "/api", priority: 1 }), [{ pathPattern: { values: ["/api", "/api/*"] } }]);
        assert.deepEqual(ruleConditions({ host: "a.example.com", path: "/x", priority: 1 }), [{ hostHeader: { values: ["a.example.com"] } }, { pathPattern: { values: ["/x", "/x/*"] } }]);
        // A rule holds at most 5 condition values (ALB quotas); a route uses at most 3.
        assert.ok(ruleConditions({ host: "a.example.com", path: "/x", priority: 1 }).flatMap((c) => Object.values(c)[0]!.values).length <= ALB_QUOTAS.conditionValuesPerRule);
    });

    it("moves only a service whose derived priority another already holds, to the next free one in its band", () => {
        // GIVEN auth and jobs, whose hashes meet in the host-or-path band, and an explicit priority on the way
        assert.equal(rulePriority("auth"), rulePriority("jobs"));
        const p = rulePriority("auth");
        // WHEN the stack's routes are derived
        const r = routesOf([{ name: "jobs" }, { name: "auth" }, { name: "web", priority: p + 1 }]);
        // THEN auth (first by name) keeps its hash, jobs skips the taken and the explicit number, web keeps its own
        assert.deepEqual([r.auth.priority, r.jobs.priority, r.web.priority], [p, p + 2, p + 1]);
        assert.deepEqual(priorityCollisions(Object.fromEntries(Object.entries(r).map(([n, x]) => [n, x.priority]))), []);
        // AND a service alone keeps exactly what routeOf derives
        assert.deepEqual(routesOf([{ name: "web", domain: "www.example.com" }]).web, routeOf("web", { domain: "www.example.com" }));
    });

    it("names colliding priorities and identical routes", () => {
        assert.deepEqual(priorityCollisions({ a: 5, b: 5, c: 6 }), [[5, ["a", "b"]]]);
        assert.deepEqual(routeCollisions({ a: { path: "/x", priority: 1 }, b: { path: "/x", priority: 2 }, c: { path: "/y", priority: 3 } }), [["a", "b"]]);
    });

    it("gives the URL: the domain over HTTPS, else the load balancer's name and the path", () => {
        assert.equal(serviceUrl({ dnsName: "lb.elb.amazonaws.com", https: true, domain: "www.example.com" }), "https://www.example.com");
        assert.equal(serviceUrl({ dnsName: "lb.elb.amazonaws.com", https: false, path: "/api" }), "http://lb.elb.amazonaws.com/api");
        assert.equal(serviceUrl({ dnsName: "lb.elb.amazonaws.com", https: false }), "http://lb.elb.amazonaws.com");
    });
});

describe("front door: zones and alarms", () => {
    it("looks a domain up in its parent zone, an apex in itself", () => {
        assert.equal(defaultZoneName("api.example.com"), "example.com");
        assert.equal(defaultZoneName("a.b.example.co.uk"), "b.example.co.uk");
        assert.equal(defaultZoneName("example.com"), "example.com");
    });

    it("has two alarms by default, 5xx sum and unhealthy maximum, at the documented thresholds", () => {
        // GIVEN no settings  WHEN the alarms are specified  THEN the defaults
        const specs = alarmSpecs(undefined);
        assert.deepEqual(specs.map((s) => [s.suffix, s.metricName, s.statistic, s.threshold, s.evaluationPeriods]), [
            ["5xx", "HTTPCode_Target_5XX_Count", "Sum", ALARM_DEFAULTS.http5xx, ALARM_DEFAULTS.evaluationPeriods],
            ["unhealthy", "UnHealthyHostCount", "Maximum", ALARM_DEFAULTS.unhealthyHosts, ALARM_DEFAULTS.evaluationPeriods],
        ]);
    });

    it("takes the service's thresholds, and none when disabled", () => {
        assert.deepEqual(alarmSpecs({ http5xx: 50, unhealthyHosts: 2, evaluationPeriods: 5 }).map((s) => [s.threshold, s.evaluationPeriods]), [[50, 5], [2, 5]]);
        assert.deepEqual(alarmSpecs({ enabled: false }), []);
    });
});
