using System.Runtime.InteropServices;

namespace Dcnet.IO;

/// <summary>
/// Replaces a whole output directory at once: the new set of files is written into a temporary sibling directory,
/// flushed, then swapped with the old one by a single renameat2(RENAME_EXCHANGE). Whatever moment the process dies,
/// the output directory holds either the complete previous set or the complete new set. A killed run can leave only
/// a marked temporary sibling, which the next run removes before it writes.
/// </summary>
public static partial class AtomicDirectory
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    /// <summary>Writes <paramref name="files"/> (relative path and content) as the new content of <paramref name="directory"/>.</summary>
    public static void Replace(string directory, IEnumerable<(string RelativePath, string Content)> files)
    {
        string target = Path.GetFullPath(directory).TrimEnd('/');
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        AtomicFile.RemoveStaleTemps(parent);
        string temp = AtomicFile.TempPathFor(target);
        try
        {
            Directory.CreateDirectory(temp);
            foreach (var (relative, content) in files)
            {
                string path = Path.GetFullPath(Path.Combine(temp, relative));
                if (!path.StartsWith(temp + "/", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"rendered path '{relative}' escapes the output directory");
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                fs.Write(System.Text.Encoding.UTF8.GetBytes(content));
                fs.Flush(flushToDisk: true);
            }

            if (Directory.Exists(target) || File.Exists(target))
            {
                if (Exchange(temp, target))
                {
                    Directory.Delete(temp, recursive: true); // now holds the previous set
                    return;
                }

                // No RENAME_EXCHANGE on this file system: move the old set aside, then the new one in.
                string old = AtomicFile.TempPathFor(target);
                Directory.Move(target, old);
                Directory.Move(temp, target);
                Directory.Delete(old, recursive: true);
                return;
            }

            Directory.Move(temp, target);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    private static bool Exchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return Renameat2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Renameat2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
}
