namespace Dcnet.Tests;

public class SmokeTests
{
    [Fact]
    public void Repository_root_is_found() => Assert.True(File.Exists(Repo.Path("dcnet.slnx")));
}
