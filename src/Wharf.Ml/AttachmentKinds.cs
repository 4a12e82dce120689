using Wharf.Core;

namespace Wharf.Ml;

/// <summary>
/// What an attachment (a referrer) is: the org.wharf.attachment.kind annotation `wharf attach` writes, else its
/// artifact type and layer media types, so that other tools' signatures, SBOMs and scan reports group the same way.
/// </summary>
public static class AttachmentKinds
{
    public const string Card = "card", Eval = "eval", Sbom = "sbom", Signature = "signature", Scan = "scan", Run = "run", Other = "other";

    private static readonly string[] Kinds = [Card, Eval, Sbom, Signature, Scan, Run, Other];

    public static string Classify(string? artifactType, IReadOnlyDictionary<string, string>? annotations = null, IEnumerable<string>? layerMediaTypes = null)
    {
        if (annotations?.GetValueOrDefault(AnnotationKeys.AttachmentKind) is { } declared && Kinds.Contains(declared)) return declared;
        string type = (artifactType ?? "").ToLowerInvariant();
        var layers = layerMediaTypes?.Select(t => t.ToLowerInvariant()).ToList() ?? [];
        bool Has(params string[] words) => words.Any(w => type.Contains(w, StringComparison.Ordinal) || layers.Any(l => l.Contains(w, StringComparison.Ordinal)));
        if (Has("signature", "cosign", "notary", "sigstore", "jws")) return Signature;
        if (Has("spdx", "cyclonedx", "sbom", "syft")) return Sbom;
        if (Has("sarif", "vuln", "scan", "vex", "trivy", "grype")) return Scan;
        if (Has("training.run")) return Run;
        if (Has("eval", "metrics")) return Eval;
        if (Has("model.card", "modelcard", "model-card", "markdown")) return Card;
        return Other;
    }
}
