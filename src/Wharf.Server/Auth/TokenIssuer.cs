using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wharf.Core.Access;

namespace Wharf.Server.Auth;

/// <summary>An access token and what it grants.</summary>
public sealed record IssuedToken(string Jwt, DateTimeOffset IssuedAt, TimeSpan Lifetime, IReadOnlyList<AccessScope> Access);

/// <summary>What a valid token says: who it was issued to and the access it carries.</summary>
public sealed record TokenClaims(string Subject, IReadOnlyList<AccessScope> Access);

/// <summary>
/// Issues and validates the registry's access tokens: JWTs as the Docker token spec describes them, with an
/// <c>access</c> claim listing exactly the granted actions per resource.
/// </summary>
public sealed class TokenIssuer
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly SecurityKey _key;
    private readonly AuthSettings _settings;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TokenIssuer(SecurityKey key, AuthSettings settings, TimeProvider time)
    {
        _key = key;
        _settings = settings;
        _time = time;
    }

    public IssuedToken Issue(string subject, IReadOnlyList<AccessScope> access)
    {
        var now = _time.GetUtcNow();
        // JWT times are whole seconds; truncating keeps "issued_at" and the claims in agreement.
        now = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _settings.Issuer,
            Audience = _settings.Service,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + _settings.TokenLifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, TokenKey.Algorithm(_key)),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = subject,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["access"] = AccessClaim(access),
            },
        };
        return new IssuedToken(_handler.CreateToken(descriptor), now, _settings.TokenLifetime, access);
    }

    /// <summary>The token's claims when its signature, issuer, audience and lifetime check out; otherwise null.</summary>
    public async Task<TokenClaims?> ValidateAsync(string jwt)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _settings.Issuer,
            ValidAudience = _settings.Service,
            IssuerSigningKey = _key,
            ValidAlgorithms = [TokenKey.Algorithm(_key)],
            // Lifetime is checked below against the TimeProvider, so tests can move time.
            ValidateLifetime = false,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        };
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token) return null;
        var now = _time.GetUtcNow().UtcDateTime;
        if (token.ValidTo == DateTime.MinValue || now > token.ValidTo + ClockSkew || now + ClockSkew < token.ValidFrom) return null;
        if (!token.TryGetPayloadValue<string>("sub", out var subject) || string.IsNullOrEmpty(subject)) return null;
        return new TokenClaims(subject, ReadAccess(token.EncodedPayload));
    }

    private static JsonElement AccessClaim(IReadOnlyList<AccessScope> access)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var scope in access)
            {
                json.WriteStartObject();
                json.WriteString("type", scope.Type);
                json.WriteString("name", scope.Name);
                json.WriteStartArray("actions");
                if (scope.IsCatalog) json.WriteStringValue("*");
                else foreach (var action in AccessActions.Wire(scope.Actions)) json.WriteStringValue(action);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static List<AccessScope> ReadAccess(string encodedPayload)
    {
        var access = new List<AccessScope>();
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(encodedPayload));
        if (!payload.RootElement.TryGetProperty("access", out var items) || items.ValueKind != JsonValueKind.Array) return access;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
                continue;
            var names = new StringBuilder();
            foreach (var action in actions.EnumerateArray())
                if (action.ValueKind == JsonValueKind.String) names.Append(action.GetString()).Append(',');
            access.Add(new AccessScope(type.GetString()!, name.GetString()!, AccessActions.Parse(names.ToString())));
        }
        return access;
    }
}
