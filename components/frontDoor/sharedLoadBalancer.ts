// SharedLoadBalancer: one Application Load Balancer in front of a stack's Fargate services. Each
// FargateService adds its own target group and listener rules to it (components/fargate/fargateService.ts).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TLS_POLICY, publicAlb, publicAlbSecurityGroup } from "./publicAlb";

export const SHARED_LOAD_BALANCER_TYPE = "ecs-ship:index:SharedLoadBalancer";

export interface SharedLoadBalancerArgs {
    /** VPC of the load balancer and its security group (StackNetwork.vpcId). */
    vpcId: pulumi.Input<string>;
    /** Exactly two public subnets in two Availability Zones (StackNetwork.albSubnetIds). */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Certificates to serve HTTPS with, keyed by what each is (its domain, or the certificate's id), so
     * services that share a certificate share one key.
     * With any, an HTTPS listener on 443 serves them all: the first key's is the listener's default,
     * the others are added to it, one resource per key so removing one leaves the rest; ALB picks one
     * by SNI. Removing one of the services that share a key keeps the certificate.
     * @default - no HTTPS listener
     */
    certificateArns?: Record<string, pulumi.Input<string>>;
    tags?: Record<string, string>;
}

/** What a FargateService needs to put itself behind the shared load balancer. */
export interface SharedListener {
    /** The SharedLoadBalancer's name: rules on it are named after it, their listener and priority. */
    name: string;
    arn: pulumi.Output<string>;
    arnSuffix: pulumi.Output<string>;
    dnsName: pulumi.Output<string>;
    zoneId: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
    httpListenerArn: pulumi.Output<string>;
    /** Set when certificates were given. */
    httpsListenerArn?: pulumi.Output<string>;
    /** The listeners, for services to depend on (ECS rejects a target group no listener uses). */
    listeners: aws.lb.Listener[];
}

/** Requests that match no service's rule get a plain 404 instead of reaching some service. */
const NOT_FOUND = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } }];

/**
 * One internet-facing ALB, its security group (80, and 443 with certificates, from anywhere), and
 * its listeners with a 404 default. Services add rules by host or path at stable priorities.
 *
 * **Cost** (us-east-1): about $16.40/month plus LCUs and two public IPv4 addresses ($3.65/month
 * each), once per stack instead of once per service.
 */
export class SharedLoadBalancer extends pulumi.ComponentResource {
    public readonly listener: SharedListener;
    public readonly dnsName: pulumi.Output<string>;

    constructor(name: string, args: SharedLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SHARED_LOAD_BALANCER_TYPE, name, {}, opts);
        const tags = args.tags;
        const certs = Object.entries(args.certificateArns ?? {}).sort(([a], [b]) => a.localeCompare(b));
        // Egress: each service adds a rule to its own tasks' port (FargateService), nothing else.
        const sg = publicAlbSecurityGroup(this, name, { vpcId: args.vpcId, description: "ecs-ship shared load balancer: HTTP(S) from anywhere", https: certs.length > 0, tags });
        const alb = publicAlb(this, name, { securityGroupId: sg.id, subnetIds: args.subnetIds, tags });
        const http = new aws.lb.Listener(`${name}-http`, { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: NOT_FOUND, tags }, { parent: this });
        const listeners = [http];
        let https: aws.lb.Listener | undefined;
        if (certs.length > 0) {
            https = new aws.lb.Listener(`${name}-https`, {
                loadBalancerArn: alb.arn, port: 443, protocol: "HTTPS", certificateArn: certs[0][1], sslPolicy: TLS_POLICY, defaultActions: NOT_FOUND, tags,
            }, { parent: this });
            listeners.push(https);
            for (const [service, certificateArn] of certs.slice(1)) {
                new aws.lb.ListenerCertificate(`${name}-cert-${service}`, { listenerArn: https.arn, certificateArn }, { parent: this });
            }
        }
        this.dnsName = alb.dnsName;
        this.listener = {
            name, arn: alb.arn, arnSuffix: alb.arnSuffix, dnsName: alb.dnsName, zoneId: alb.zoneId, securityGroupId: sg.id,
            httpListenerArn: http.arn, httpsListenerArn: https?.arn, listeners,
        };
        this.registerOutputs({ dnsName: this.dnsName });
    }
}
