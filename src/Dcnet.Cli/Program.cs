namespace Dcnet.Cli;

internal static class Program
{
    private static int Main(string[] args) => DcnetCli.Run(args, Console.Out, Console.Error);
}
