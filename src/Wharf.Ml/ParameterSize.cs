using System.Globalization;

namespace Wharf.Ml;

/// <summary>Parses sizes as configs declare them: "8b", "6.7B", "361.82 M", "1.0t", "100m", "8.0B", or a plain count.</summary>
public static class ParameterSize
{
    public static long? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        char last = char.ToUpperInvariant(s[^1]);
        double scale = last switch { 'K' => 1e3, 'M' => 1e6, 'B' or 'G' => 1e9, 'T' => 1e12, 'Q' => 1e15, _ => 1 };
        if (scale != 1) s = s[..^1].TrimEnd();
        if (!double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double count) || count < 0) return null;
        double value = Math.Round(count * scale);
        return value > long.MaxValue ? null : (long)value;
    }
}
