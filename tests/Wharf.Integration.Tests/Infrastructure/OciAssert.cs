using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Wharf.Integration.Tests.Infrastructure;

/// <summary>Assertions on registry answers, with the request and body in every failure message.</summary>
public static partial class OciAssert
{
    [GeneratedRegex("^[A-Z_]+$")]
    private static partial Regex ErrorCodeGrammar();

    /// <summary>
    /// "The code field MUST be one of the following" (the spec's 14), plus the two legacy Docker codes the spec says a
    /// client may meet (TAG_INVALID, MANIFEST_UNVERIFIED).
    /// </summary>
    public static readonly IReadOnlySet<string> SpecErrorCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
        "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED",
        "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS", "TAG_INVALID", "MANIFEST_UNVERIFIED",
        // Not in the spec's table, which says nothing of a bad n; the reference registry's code for it, kept for
        // clients that know it.
        "PAGINATION_NUMBER_INVALID",
    };

    public static async Task Status(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode == expected) return;
        throw new XunitException($"expected {(int)expected} {expected}, got: {await Dump(response)}");
    }

    public static async Task StatusIn(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        if (expected.Contains(response.StatusCode)) return;
        throw new XunitException($"expected one of {string.Join("/", expected.Select(s => (int)s))}, got: {await Dump(response)}");
    }

    /// <summary>
    /// An error answer: the status, and (except for HEAD, which has no body) the spec's body
    /// <c>{"errors":[{"code","message","detail"}]}</c> with at least one of <paramref name="codes"/>.
    /// </summary>
    public static async Task<List<string>> Error(HttpResponseMessage response, HttpStatusCode status, params string[] codes)
    {
        await Status(response, status);
        return await ErrorBody(response, codes);
    }

    /// <summary>Like <see cref="Error(HttpResponseMessage, HttpStatusCode, string[])"/> when the spec allows several statuses.</summary>
    public static async Task<List<string>> ErrorIn(HttpResponseMessage response, HttpStatusCode[] statuses, params string[] codes)
    {
        await StatusIn(response, statuses);
        return await ErrorBody(response, codes);
    }

    private static async Task<List<string>> ErrorBody(HttpResponseMessage response, string[] codes)
    {
        if (response.RequestMessage?.Method == HttpMethod.Head) return [];
        string text = await response.Content.ReadAsStringAsync();
        string where = RegistryClient.Describe(response);
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new XunitException($"{where}: error body is not JSON: '{text}'");
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Assert.True(mediaType == "application/json", $"{where}: error body Content-Type is '{mediaType}', expected application/json");
        if (body is not JsonObject obj || obj["errors"] is not JsonArray errors || errors.Count == 0)
            throw new XunitException($"{where}: error body is not {{\"errors\":[...]}}: {text}");
        var found = new List<string>();
        foreach (var error in errors)
        {
            if (error is not JsonObject e || e["code"] is not JsonValue codeValue || !codeValue.TryGetValue(out string? code))
                throw new XunitException($"{where}: error entry without a string code: {text}");
            Assert.True(ErrorCodeGrammar().IsMatch(code), $"{where}: code '{code}' is not uppercase letters and underscores");
            Assert.True(SpecErrorCodes.Contains(code), $"{where}: code '{code}' is not one of the spec's error codes: {text}");
            if (e["message"] is { } message)
                Assert.True(message is JsonValue m && m.TryGetValue(out string? _), $"{where}: message is not a string: {text}");
            found.Add(code);
        }
        if (codes.Length > 0 && !found.Intersect(codes).Any())
            throw new XunitException($"{where}: expected error code {string.Join(" or ", codes)}, got {string.Join(", ", found)}: {text}");
        return found;
    }

    public static string Header(HttpResponseMessage response, string name)
    {
        string? value = HeaderOrNull(response, name);
        Assert.True(value is not null, $"{RegistryClient.Describe(response)} has no {name} header");
        return value;
    }

    public static string? HeaderOrNull(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values)) return string.Join(", ", values);
        if (response.Content.Headers.TryGetValues(name, out values)) return string.Join(", ", values);
        return null;
    }

    public static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonNode.Parse(text) ?? throw new XunitException($"{RegistryClient.Describe(response)}: body is JSON null");
        }
        catch (JsonException)
        {
            throw new XunitException($"{RegistryClient.Describe(response)}: body is not JSON: '{text}'");
        }
    }

    /// <summary>
    /// The end of an upload's <c>Range: 0-&lt;end&gt;</c> header: the last byte received. An empty session reports 0-0,
    /// like the reference registry; callers that know the session is empty check for that.
    /// </summary>
    public static long RangeEnd(HttpResponseMessage response)
    {
        string range = Header(response, "Range");
        var match = Regex.Match(range, "^0-([0-9]+)$");
        Assert.True(match.Success, $"{RegistryClient.Describe(response)}: Range '{range}' is not 0-<end>");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<string> Dump(HttpResponseMessage response)
    {
        var text = new StringBuilder();
        text.Append(RegistryClient.Describe(response)).Append(' ').Append(response.ReasonPhrase);
        foreach (var header in response.Headers.Concat(response.Content.Headers))
            text.Append("\n  ").Append(header.Key).Append(": ").Append(string.Join(", ", header.Value));
        try
        {
            string body = await response.Content.ReadAsStringAsync();
            if (body.Length > 0) text.Append("\n  body: ").Append(body.Length > 2000 ? body[..2000] + "…" : body);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            text.Append("\n  (body unreadable: ").Append(e.Message).Append(')');
        }
        return text.ToString();
    }
}
