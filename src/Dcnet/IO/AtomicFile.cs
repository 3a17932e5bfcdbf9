using System.Globalization;
using System.Text;

namespace Dcnet.IO;

/// <summary>
/// Every file dcnet writes goes through here: the content goes to a temporary file in the same directory, is flushed
/// to disk, then renamed over the target. A reader (or a crash) sees the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    /// <summary>Marks dcnet's temporary files so a later run can recognise and remove leftovers of a killed one.</summary>
    public const string TempMarker = ".dcnet-tmp-";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, Utf8NoBom.GetBytes(content));

    public static void WriteAllBytes(string path, byte[] content) => Write(path, s => s.Write(content));

    /// <summary>Streams the content into the temporary file (for outputs too large to hold in memory), then renames it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = TempPathFor(full);
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65536, FileOptions.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A unique temporary name beside <paramref name="fullPath"/>: hidden, marked, with the process id.</summary>
    public static string TempPathFor(string fullPath)
    {
        string dir = Path.GetDirectoryName(fullPath)!;
        string name = Path.GetFileName(fullPath);
        string unique = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        return Path.Combine(dir, "." + name + TempMarker + unique);
    }

    /// <summary>Removes temporary files that killed runs left in <paramref name="directory"/> (whose process is gone).</summary>
    public static int RemoveStaleTemps(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        int removed = 0;
        foreach (string entry in Directory.EnumerateFileSystemEntries(directory, "*" + TempMarker + "*"))
        {
            string name = Path.GetFileName(entry);
            int at = name.IndexOf(TempMarker, StringComparison.Ordinal);
            string rest = name[(at + TempMarker.Length)..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && IsAlive(pid) && pid != Environment.ProcessId)
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                TryDelete(entry);
            }

            removed++;
        }

        return removed;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
