namespace Dcnet.Interop.Tests.Support;

/// <summary>
/// When a real peer cannot run here (not root, a program missing) an interop test skips with the reason, except under
/// CI=true, where it fails: CI must prove every prediction against the real thing.
/// </summary>
public static class Peer
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Shell.Run("id", "-u").Stdout.Trim() == "0";

    public static void Unavailable(string reason)
    {
        if (InCi)
        {
            Assert.Fail("interop peer unavailable under CI=true: " + reason);
        }

        Assert.Skip(reason);
    }

    public static void RequireRoot()
    {
        if (!IsRoot)
        {
            Unavailable("needs root for network namespaces (run ./test.sh as root)");
        }
    }

    /// <summary>Requires a program, naming the Debian package that provides it (test.sh installs it).</summary>
    public static void RequireProgram(string program, string debianPackage)
    {
        if (!Shell.Has(program))
        {
            Unavailable($"'{program}' is not installed (Debian package {debianPackage}; ./test.sh installs it)");
        }
    }
}
