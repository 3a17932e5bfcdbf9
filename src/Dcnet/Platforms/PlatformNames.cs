using Dcnet.Design;

namespace Dcnet.Platforms;

/// <summary>How platforms are named to people.</summary>
public static class PlatformNames
{
    public static string Display(Platform p) => p switch
    {
        Platform.Ove => "OpenShift Virtualization",
        Platform.AzureLocal => "Azure Local",
        Platform.Esc => "Swisscom ESC (NSX)",
        Platform.Vmware => "VMware vSphere/NSX",
        _ => "Linux",
    };
}
