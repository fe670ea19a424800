// Custom domains of Fargate services: the Route 53 zone a name lives in, and a DNS-validated
// ACM certificate for it. The alias record to the load balancer is the service's own
// (FargateService `domain`), since only it knows which load balancer serves it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export const DOMAIN_CERTIFICATE_TYPE = "ecs-ship:index:DomainCertificate";

/**
 * The zone a domain is looked up in when none is given: the domain without its first label
 * (api.example.com → example.com), or the domain itself when it has only two labels (an apex).
 */
export function defaultZoneName(domain: string): string {
    const labels = domain.split(".");
    return labels.length > 2 ? labels.slice(1).join(".") : domain;
}

/** The zone id: the given one, else the public zone of that name (or the default name) looked up in Route 53. */
export function zoneIdOf(domain: string, o: { hostedZone?: string; hostedZoneId?: string }, opts?: pulumi.InvokeOptions): pulumi.Output<string> {
    if (o.hostedZoneId) return pulumi.output(o.hostedZoneId);
    return aws.route53.getZoneOutput({ name: o.hostedZone ?? defaultZoneName(domain), privateZone: false }, opts).zoneId;
}

/**
 * The alias A record that points a domain at a load balancer. Keep one record resource per domain
 * under a name that does not depend on which load balancer serves it: the provider's delete reads
 * the live record set by zone, name and type and deletes whatever it finds (Terraform AWS provider,
 * internal/service/route53/record.go, resourceRecordDelete → findResourceRecordSetByFourPartKey), so
 * handing a name from one record resource to another deletes the new one's record at the end of the
 * update. Moving the domain to another load balancer is then an in-place UPSERT of the alias.
 * Only A: the load balancer is IPv4-only (ipAddressType "ipv4", the provider's default).
 */
export function domainAlias(
    name: string, domain: { name: string; zoneId: pulumi.Input<string> },
    target: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions,
): aws.route53.Record {
    return new aws.route53.Record(name, {
        zoneId: domain.zoneId,
        name: domain.name,
        type: "A",
        aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }],
    }, opts);
}

export interface DomainCertificateArgs {
    /** The name the certificate covers. */
    domain: string;
    /** The public Route 53 zone the validation record goes in. */
    zoneId: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/**
 * An ACM certificate for one name, validated by a DNS record in the zone. `certificateArn` resolves
 * only once ACM has issued it (aws.acm.CertificateValidation waits), so a listener never gets a
 * pending certificate. ACM renews a DNS-validated certificate on its own while the record stays.
 * Source: AWS Certificate Manager User Guide, "AWS Certificate Manager DNS validation"
 * (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
 *
 * **Cost:** public ACM certificates are free; the validation record is one more record in a zone
 * billed per zone ($0.50/month), not per record.
 */
export class DomainCertificate extends pulumi.ComponentResource {
    public readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super(DOMAIN_CERTIFICATE_TYPE, name, {}, opts);
        const cert = new aws.acm.Certificate(`${name}-cert`, {
            domainName: args.domain,
            validationMethod: "DNS",
            tags: args.tags,
        }, {
            parent: this,
            // A changed domain needs a new certificate before the listener lets go of the old one.
            deleteBeforeReplace: false,
        });
        // One name, so one validation option (Terraform AWS provider, acm/certificate.go: domain_validation_options
        // has one entry per distinct name).
        const option = cert.domainValidationOptions[0];
        const record = new aws.route53.Record(`${name}-validation`, {
            zoneId: args.zoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            // ACM gives every certificate of the same name in the account the same record, so it may
            // already be in the zone: UPSERT it instead of failing on CREATE (route53/record.go,
            // resourceRecordCreate: UPSERT when allow_overwrite).
            allowOverwrite: true,
        }, {
            parent: this,
            // Never deleted, because the record is not this certificate's alone: ACM makes one record per
            // name and account, and every certificate of this name in the account (another stack's, or the
            // user's own after `certificateArn` takes the domain over) validates and renews through it;
            // deleting it stops their renewal (AWS Certificate Manager User Guide, "DNS validation",
            // https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html). The provider's delete removes
            // whatever record set the zone holds under that name and type (route53/record.go,
            // resourceRecordDelete → findResourceRecordSetByFourPartKey), so deleting this resource would
            // make those certificates fail to renew, silently, months later. A retained CNAME that no
            // certificate needs any more is harmless; remove it by hand if you like (docs/resource-lifecycles.md).
            retainOnDelete: true,
        });
        const validation = new aws.acm.CertificateValidation(`${name}-validated`, {
            certificateArn: cert.arn,
            validationRecordFqdns: [record.fqdn],
        }, { parent: this, customTimeouts: { create: "45m" } });
        this.certificateArn = validation.certificateArn;
        this.registerOutputs({ certificateArn: this.certificateArn });
    }
}
