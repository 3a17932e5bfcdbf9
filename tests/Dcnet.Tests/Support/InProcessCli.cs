using Dcnet.Cli;

namespace Dcnet.Tests.Support;

/// <summary>Runs the dcnet command line in this process and captures both streams and the exit code.</summary>
public static class InProcessCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = DcnetCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
