// The provider calls of ACM and Route 53: custom domains' certificates, their validation, and the alias
// and validation records (Fargate).
// One family of the table in index.ts; each row names its source.
import type { ProviderCall } from "./shared";
import {
    any, CERT, CERT_VALIDATION, certOfValidation, dnsChangeArn, own, RECORD, recordChange, row, SAR, TF, zoneOf,
} from "./shared";

export const DOMAIN_CALLS: ProviderCall[] = [
    // ---- Custom domains: certificate and DNS records (Fargate) ----
    ...row(CERT, "create", ["acm:RequestCertificate"], any, `${TF}/acm/certificate.go (RequestCertificate with Tags; ${SAR}: no resource type, acm:DomainNames, acm:ValidationMethod)`, { requestTags: true, context: (r) => ({ "acm:DomainNames": [String(r.inputs.domainName)], "acm:ValidationMethod": String(r.inputs.validationMethod) }) }),
    // The provider sends the tags with RequestCertificate; the role may also tag the new certificate,
    // in case ACM authorizes tag-on-request as AddTagsToCertificate the way ECR and SNS do.
    ...row(CERT, "create", ["acm:AddTagsToCertificate"], own, `${TF}/acm/certificate.go (RequestCertificate with Tags); AWS Certificate Manager User Guide, "Tagging AWS Certificate Manager resources"`, { requestTags: true }),
    ...row(CERT, "read", ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], own, `${TF}/acm/certificate.go (findCertificateByARN: DescribeCertificate; tags)`),
    ...row(CERT, "update", ["acm:RemoveTagsFromCertificate"], own, `${TF}/acm/certificate.go (tags)`),
    ...row(CERT, "update", ["acm:AddTagsToCertificate"], own, `${TF}/acm/certificate.go (tags)`, { requestTags: true }),
    ...row(CERT, "delete", ["acm:DeleteCertificate"], own, `${TF}/acm/certificate.go (DeleteCertificate, retried while a listener still uses it)`),
    ...row(CERT_VALIDATION, "create", ["acm:DescribeCertificate"], certOfValidation, `${TF}/acm/certificate_validation.go (waitCertificateIssued)`),
    ...row(CERT_VALIDATION, "read", ["acm:DescribeCertificate"], certOfValidation, `${TF}/acm/certificate_validation.go (read)`),
    ...row(RECORD, "create", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (ChangeResourceRecordSets, UPSERT with allow_overwrite; Route 53 Developer Guide, IAM policy conditions for record changes)`, { context: recordChange("UPSERT") }),
    ...row(RECORD, "create", ["route53:GetChange"], dnsChangeArn, `${TF}/route53/record.go (waitChangeInsync: GetChange)`),
    ...row(RECORD, "create", ["route53:GetHostedZone"], zoneOf, `${TF}/route53/record.go (findHostedZoneByID: the zone's name)`),
    ...row(RECORD, "read", ["route53:GetHostedZone", "route53:ListResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordRead: the zone, then findResourceRecordSetByFourPartKey)`),
    ...row(RECORD, "update", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordUpdate)`, { context: recordChange("UPSERT") }),
    ...row(RECORD, "delete", ["route53:GetHostedZone", "route53:ListResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordDelete reads the record set it deletes)`),
    ...row(RECORD, "delete", ["route53:ChangeResourceRecordSets"], zoneOf, `${TF}/route53/record.go (resourceRecordDelete)`, { context: recordChange("DELETE") }),
    ...row(RECORD, "delete", ["route53:GetChange"], dnsChangeArn, `${TF}/route53/record.go (waitChangeInsync)`),
    // The zone lookup (components/frontDoor/customDomain.ts zoneIdOf) runs in preview too.
    ...row("lookup-zone", "read", ["route53:ListHostedZones"], any, `${TF}/route53/zone_data_source.go (lookup by name lists every zone and filters: ListHostedZones; ${SAR}: no resource type)`),
    ...row("lookup-zone", "read", ["route53:GetHostedZone", "route53:ListTagsForResource"], zoneOf, `${TF}/route53/zone_data_source.go (GetHostedZone; tags)`),
];
