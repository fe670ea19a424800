// The internet-facing Application Load Balancer as every front door builds it: its security group, the
// load balancer itself, and the TLS policy of its HTTPS listeners. One definition for a Fargate service's
// own ALB (components/fargate/fargateLoadBalancer.ts) and the stack's shared one (sharedLoadBalancer.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { elbLogicalName } from "../service/naming";

/**
 * HTTPS listener policy: TLS 1.3 and 1.2 only, forward-secret ciphers. Without `sslPolicy`, an
 * HTTPS listener created through the API gets ELBSecurityPolicy-2016-08, which still accepts
 * TLS 1.0 and 1.1. Source: Elastic Load Balancing User Guide, "Security policies for your
 * Application Load Balancer".
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The security group of an internet-facing ALB, `<name>-alb-sg`: HTTP from anywhere (IPv4 and IPv6),
 * HTTPS too when it serves a certificate, and no egress until each service adds one to its own tasks.
 * One definition for a service's own ALB and the shared one.
 */
export function publicAlbSecurityGroup(
    parent: pulumi.Resource, name: string,
    o: { vpcId: pulumi.Input<string>; description: string; https: boolean; tags?: Record<string, string> },
): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(`${name}-alb-sg`, { vpcId: o.vpcId, description: o.description, tags: o.tags }, { parent });
    for (const port of o.https ? [80, 443] : [80]) {
        for (const [v, cidr] of [["v4", { cidrIpv4: "0.0.0.0/0" }], ["v6", { cidrIpv6: "::/0" }]] as const) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-alb-${port}-${v}`, { ipProtocol: "tcp", securityGroupId: sg.id, fromPort: port, toPort: port, ...cidr, tags: o.tags }, { parent });
        }
    }
    return sg;
}

/** An internet-facing Application Load Balancer in `subnetIds`, behind `securityGroupId`. */
export function publicAlb(
    parent: pulumi.Resource, name: string,
    o: { securityGroupId: pulumi.Input<string>; subnetIds: pulumi.Input<pulumi.Input<string>[]>; tags?: Record<string, string> },
): aws.lb.LoadBalancer {
    return new aws.lb.LoadBalancer(elbLogicalName(name, "alb"), {
        loadBalancerType: "application",
        internal: false,
        securityGroups: [o.securityGroupId],
        subnets: o.subnetIds,
        // Malformed headers are dropped rather than passed to the app (request smuggling).
        dropInvalidHeaderFields: true,
        tags: o.tags,
    }, { parent });
}
