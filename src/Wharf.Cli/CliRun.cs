using System.Net;
using Wharf.Client;
using Wharf.Client.ModelPack;

namespace Wharf.Cli;

/// <summary>Runs a command's body and turns what can go wrong into one clear line on stderr and an exit code.</summary>
internal static class CliRun
{
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;

    public const string ResumeHint = "interrupted; run the same command again to resume (upload sessions and partial files are kept)";

    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (RegistryException e)
        {
            string hint = e.IsPermissionDenied
                ? " (you lack permission: the registry knows who you are, but your roles do not allow this here; "
                    + "a namespace admin can grant one with `wharf namespace grant NAMESPACE USER writer`, or `wharf login HOST` as a user who has it)"
                : e.Status == HttpStatusCode.Unauthorized
                ? " (log in with `wharf login HOST`, give --username/--password or WHARF_USERNAME/WHARF_PASSWORD, or log in with another container tool)" : "";
            return Fail(e.Message + hint);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: open upload sessions stay in the journal and partial downloads on disk, so running the same
            // command again resumes.
            ConsoleProgress.RestoreTerminal();
            if (!ConsoleProgress.InterruptReported) Console.Error.WriteLine(ResumeHint);
            return Cancelled;
        }
        catch (UnsafeArtifactException e)
        {
            return Fail(e.Message);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (HttpRequestException e)
        {
            return Fail($"could not reach the registry: {e.Message}" + (e.InnerException is { } inner ? $" ({inner.Message})" : "")
                + " (a registry not on localhost is spoken to over HTTPS unless --plain-http is given)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException or InvalidOperationException)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return Failed;
    }

    public static ImageReference ParseReference(string text) => ImageReference.Parse(text);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    public static string Short(Wharf.Core.Digest digest) => $"{digest.Algorithm}:{digest.Hex[..12]}";
}
