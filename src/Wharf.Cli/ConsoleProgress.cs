using Spectre.Console;
using Wharf.Client.ModelPack;

namespace Wharf.Cli;

/// <summary>
/// Progress bars per file and overall when stdout is a terminal; otherwise nothing but the notes, one per line,
/// so pipes and logs stay readable.
/// </summary>
internal static class ConsoleProgress
{
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(bool quiet, Func<ITransferProgress, Task<T>> body)
    {
        if (quiet || !Interactive) return await body(new PlainProgress(quiet));
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context => result = await body(new BarProgress(context)));
        return result;
    }

    private sealed class PlainProgress(bool quiet) : ITransferProgress
    {
        public IFileProgress Start(string name, long size) => NoProgress.Instance;

        public void Note(string message)
        {
            if (!quiet) Console.WriteLine(message);
        }
    }

    private sealed class BarProgress : ITransferProgress
    {
        private readonly ProgressContext _context;
        private readonly ProgressTask _overall;
        private readonly Lock _gate = new();

        public BarProgress(ProgressContext context)
        {
            _context = context;
            _overall = context.AddTask("[bold]total[/]", maxValue: 1);
            _overall.MaxValue = 0;
        }

        public IFileProgress Start(string name, long size)
        {
            lock (_gate)
            {
                _overall.MaxValue += Math.Max(size, 1);
                var task = _context.AddTask(Markup.Escape(Trim(name)), maxValue: Math.Max(size, 1));
                return new Bar(task, _overall);
            }
        }

        public void Note(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

        private static string Trim(string name) => name.Length <= 40 ? name : "…" + name[^39..];
    }

    private sealed class Bar(ProgressTask task, ProgressTask overall) : IFileProgress
    {
        public void Advance(long bytes)
        {
            task.Increment(bytes);
            overall.Increment(bytes);
        }

        public void Complete(string status)
        {
            double rest = task.MaxValue - task.Value;
            if (rest > 0) overall.Increment(rest);
            task.Value = task.MaxValue;
            task.Description = $"{task.Description} [green]{Markup.Escape(status)}[/]";
            task.StopTask();
        }
    }
}
