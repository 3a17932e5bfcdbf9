using System.Diagnostics;
using System.Text;

namespace Dcnet.Interop.Tests.Support;

/// <summary>The result of a command: exit code and both streams.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr, string CommandLine)
{
    public bool Ok => ExitCode == 0;

    public CommandResult EnsureOk()
    {
        if (!Ok)
        {
            throw new InvalidOperationException($"'{CommandLine}' exited {ExitCode}:\n{Stderr}\n{Stdout}");
        }

        return this;
    }
}

/// <summary>Runs programs without a shell: arguments are passed as a list, so nothing is re-parsed.</summary>
public static class Shell
{
    public static CommandResult Run(string file, IEnumerable<string> args, TimeSpan? timeout = null, string? stdin = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        string line = file + " " + string.Join(' ', psi.ArgumentList);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.Append(e.Data).Append('\n'); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.Append(e.Data).Append('\n'); } } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            p.WaitForExit();
            return new CommandResult(124, stdout.ToString(), stderr + $"\n(timed out after {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s)", line);
        }

        p.WaitForExit();
        return new CommandResult(p.ExitCode, stdout.ToString(), stderr.ToString(), line);
    }

    public static CommandResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>True when <paramref name="program"/> is on PATH (or is an existing absolute path).</summary>
    public static bool Has(string program)
    {
        if (Path.IsPathRooted(program))
        {
            return File.Exists(program);
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            if (File.Exists(Path.Combine(dir, program)))
            {
                return true;
            }
        }

        return File.Exists(Path.Combine("/usr/sbin", program)) || File.Exists(Path.Combine("/sbin", program));
    }
}
