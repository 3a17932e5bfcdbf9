using System.CommandLine;
using System.CommandLine.Parsing;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.IO;
using Dcnet.Sdn;
using Dcnet.Topology;

namespace Dcnet.Cli;

/// <summary>
/// The <c>dcnet</c> command line: parses arguments, calls the library, prints. Exit codes: 0 clean, 1 findings at or
/// above --fail-on, 2 bad input or usage, 70 an internal error (a bug: please report it).
/// </summary>
public static class DcnetCli
{
    public const int ExitClean = 0;
    public const int ExitFindings = 1;
    public const int ExitBadInput = 2;
    public const int ExitInternal = 70;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build(stdout, stderr);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (ParseError e in parse.Errors)
            {
                stderr.WriteLine("dcnet: " + e.Message);
            }

            stderr.WriteLine("Run 'dcnet --help' for usage.");
            return ExitBadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (DesignException e)
        {
            foreach (var error in e.Errors)
            {
                stderr.WriteLine(error.ToString());
            }

            if (e.Errors.Count == 0)
            {
                stderr.WriteLine("dcnet: " + e.Message);
            }

            return ExitBadInput;
        }
        catch (UsageException e)
        {
            stderr.WriteLine("dcnet: " + e.Message);
            return ExitBadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("dcnet: " + e.Message);
            return ExitBadInput;
        }
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("dcnet: a digital twin for data-center networks. Resolves a YAML design, checks it, simulates it, renders it.");
        root.Subcommands.Add(CheckCommand(stdout));
        root.Subcommands.Add(ShowCommand(stdout));
        root.Subcommands.Add(TraceCommand(stdout, stderr));
        root.Subcommands.Add(RenderCommand(stderr));
        root.Subcommands.Add(BgpCommand(stdout, stderr));
        root.Subcommands.Add(SegmentCommand(stdout, stderr));
        root.Subcommands.Add(AclCommand(stdout));
        root.Subcommands.Add(InitCommand(stdout, stderr));
        root.Subcommands.Add(SchemaCommand(stdout));
        root.Subcommands.Add(DocsCommand(stdout));
        root.Subcommands.Add(HashCommand(stdout));
        root.Subcommands.Add(BondsCommand(stdout));
        return root;
    }

    private static Argument<string> DesignArgument() => new("design") { Description = "The design file (YAML)." };

    private static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write to this file (atomically) instead of standard output." };

    private static Command CheckCommand(TextWriter stdout)
    {
        var design = DesignArgument();
        var format = new Option<string>("--format") { Description = "Output format: text, json or sarif.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var json = new Option<bool>("--json") { Description = "Same as --format json." };
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when a finding is at or above this severity: error, warning or info.", DefaultValueFactory = _ => "error" };
        failOn.AcceptOnlyFromAmong("error", "warning", "info");
        var output = OutputOption();
        var cmd = new Command("check", "Load, resolve and check a design; print the findings grouped by foundation.") { design, format, json, failOn, output };
        cmd.SetAction(p =>
        {
            var report = CheckReport.Run(p.GetValue(design)!);
            var threshold = failOn.Parse(p.GetValue(failOn)!);
            string fmt = p.GetValue(json) ? "json" : p.GetValue(format)!;
            string text = fmt switch
            {
                "json" => FindingFormatter.Json(report, threshold),
                "sarif" => FindingFormatter.Sarif(report),
                _ => FindingFormatter.Text(report, threshold),
            };
            Emit(stdout, p.GetValue(output), text);
            return report.ExitCode(threshold);
        });
        return cmd;
    }

    private static Severity Parse(this Option<string> _, string token) => token switch
    {
        "warning" => Severity.Warning,
        "info" => Severity.Info,
        _ => Severity.Error,
    };

    private static Command ShowCommand(TextWriter stdout)
    {
        var design = DesignArgument();
        var json = new Option<bool>("--json") { Description = "Print the inventory as JSON." };
        var output = OutputOption();
        var cmd = new Command("show", "Print the resolved inventory: counts, the address plan, hosts per leaf and VMs per host.") { design, json, output };
        cmd.SetAction(p =>
        {
            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            Emit(stdout, p.GetValue(output), p.GetValue(json) ? Inventory.Json(network) : Inventory.Text(network));
            return ExitClean;
        });
        return cmd;
    }

    private static Command TraceCommand(TextWriter stdout, TextWriter stderr)
    {
        var design = DesignArgument();
        var from = new Option<string>("--from") { Description = "A VM (vm-web-0001 or vm-web-0001/eth1), a host, or an IP address.", Required = true };
        var to = new Option<string>("--to") { Description = "A VM, a host, or an IP address (outside the design: north-south).", Required = true };
        var proto = new Option<string>("--proto") { Description = "tcp, udp or icmp.", DefaultValueFactory = _ => "tcp" };
        proto.AcceptOnlyFromAmong("tcp", "udp", "icmp");
        var sport = new Option<int>("--sport") { Description = "Source port (ICMP: echo id).", DefaultValueFactory = _ => 49152 };
        var dport = new Option<int>("--dport") { Description = "Destination port.", DefaultValueFactory = _ => 443 };
        var size = new Option<int?>("--size") { Description = "Size of the IP packet the source sends, in bytes. Default: the source's MTU." };
        var df = new Option<bool>("--df") { Description = "Set don't-fragment (the default)." };
        var noDf = new Option<bool>("--no-df") { Description = "Clear don't-fragment (IPv4): routers may fragment." };
        var family = new Option<string>("--family") { Description = "4 or 6.", DefaultValueFactory = _ => "4" };
        family.AcceptOnlyFromAmong("4", "6");
        var json = new Option<bool>("--json") { Description = "Print the trace as JSON." };
        var pcap = new Option<string?>("--pcap") { Description = "Write the frame at every hop to this pcap file (Wireshark)." };
        var pmtu = new Option<bool>("--pmtu") { Description = "Print only the path MTU and the largest DF ping payload that gets through, as tracepath would." };
        var latency = new Option<string[]>("--latency") { Description = "Override a device latency figure: KIND=DURATION (vm, vswitch, encap, router, nic, switch, vtep, border), e.g. switch=500ns.", AllowMultipleArgumentsPerToken = false };
        var output = OutputOption();
        var cmd = new Command("trace", "Walk one packet hop by hop, with the headers on the wire, the MTU at every hop and the verdict.")
        {
            design, from, to, proto, sport, dport, size, df, noDf, family, json, pcap, pmtu, latency, output,
        };
        cmd.SetAction(p =>
        {
            if (p.GetValue(df) && p.GetValue(noDf))
            {
                throw new UsageException("--df and --no-df contradict each other");
            }

            if (p.GetValue(sport) is < 0 or > 65535 || p.GetValue(dport) is < 0 or > 65535)
            {
                throw new UsageException("ports are 0 to 65535");
            }

            if (p.GetValue(size) is int s && (s < 28 || s > 65535))
            {
                throw new UsageException("--size is the IP packet size, 28 to 65535 bytes");
            }

            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            Dcnet.Trace.LatencyProfile profile;
            try
            {
                profile = new Dcnet.Trace.LatencyProfile().With(p.GetValue(latency) ?? []);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            var tracer = new Dcnet.Trace.Tracer(network, profile);
            Dcnet.Trace.TraceResult result;
            try
            {
                result = tracer.Trace(new Dcnet.Trace.TraceRequest
                {
                    From = p.GetValue(from)!,
                    To = p.GetValue(to)!,
                    Protocol = Tokens.TryParse<Dcnet.Trace.TraceProtocol>(p.GetValue(proto)!, out var pr) ? pr : Dcnet.Trace.TraceProtocol.Tcp,
                    SourcePort = (ushort)p.GetValue(sport),
                    DestinationPort = (ushort)p.GetValue(dport),
                    Size = p.GetValue(size),
                    DontFragment = !p.GetValue(noDf),
                    Family = p.GetValue(family) == "6" ? IpFamily.Ipv6 : IpFamily.Ipv4,
                });
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            if (p.GetValue(pcap) is string file)
            {
                AtomicFile.WriteAllBytes(file, Dcnet.Trace.TraceFormatter.Pcap(result));
                stderr.WriteLine($"dcnet: wrote {result.Hops.Count(h => h.Frame is not null)} frames to {file}");
            }

            string text = p.GetValue(json) ? Dcnet.Trace.TraceFormatter.Json(result)
                : p.GetValue(pmtu) ? Dcnet.Trace.TraceFormatter.Pmtu(result)
                : Dcnet.Trace.TraceFormatter.Text(result);
            Emit(stdout, p.GetValue(output), text);
            return ExitClean;
        });
        return cmd;
    }

    private static Command RenderCommand(TextWriter stderr)
    {
        var design = DesignArgument();
        var target = new Option<string>("--target", "-t") { Description = "What to render: " + string.Join(", ", Platforms.RenderRegistry.Renderers.Select(r => r.Target)) + ".", Required = true };
        target.AcceptOnlyFromAmong([.. Platforms.RenderRegistry.Renderers.Select(r => r.Target)]);
        var output = new Option<string>("--output", "-o") { Description = "Output directory; replaced as a whole, atomically.", Required = true };
        var cmd = new Command("render", "Render the configuration of one platform target into a directory.") { design, target, output };
        cmd.SetAction(p =>
        {
            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            var files = Platforms.RenderRegistry.RenderTo(network, p.GetValue(target)!, p.GetValue(output)!);
            stderr.WriteLine($"dcnet: wrote {files.Count} files to {p.GetValue(output)}");
            return ExitClean;
        });
        return cmd;
    }

    private static Command BgpCommand(TextWriter stdout, TextWriter stderr)
    {
        var design = DesignArgument();
        var device = new Option<string[]>("--device", "-d") { Description = "Only these devices (names or globs such as leaf-0*); repeatable.", AllowMultipleArgumentsPerToken = false };
        var family = new Option<string?>("--family") { Description = "Only one family: 4 or 6." };
        family.AcceptOnlyFromAmong("4", "6", "ipv4", "ipv6");
        var format = new Option<string>("--format") { Description = "text, json, or frr-json (per device, the shape of FRR's 'show bgp ipv4|ipv6 unicast json').", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "frr-json");
        var json = new Option<bool>("--json") { Description = "Same as --format json." };
        var fail = new Option<string[]>("--fail") { Description = "What-if: fail link:A/B or node:N, optionally :silent (default) or :down; repeatable." };
        var sweep = new Option<bool>("--sweep") { Description = "Run every single fabric-link and switch failure and rank them." };
        var sweepMode = new Option<string>("--sweep-mode") { Description = "How the swept elements fail: silent or down.", DefaultValueFactory = _ => "silent" };
        sweepMode.AcceptOnlyFromAmong("silent", "down");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (atomically); for frr-json, a directory of DEVICE/ipv4.json and DEVICE/ipv6.json." };
        var cmd = new Command("bgp", "Simulate BGP on the fabric: every device's table (prefix, best path, ECMP set), what-if failures with their convergence, or a sweep of every single failure.")
        {
            design, device, family, format, json, fail, sweep, sweepMode, output,
        };
        cmd.SetAction(p =>
        {
            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            var model = Bgp.BgpModel.Build(network);
            var families = p.GetValue(family) switch
            {
                "4" or "ipv4" => [IpFamily.Ipv4],
                "6" or "ipv6" => [IpFamily.Ipv6],
                _ => Array.Empty<IpFamily>(),
            };
            var selection = new Bgp.BgpSelection(p.GetValue(device) ?? [], families);
            foreach (string d in selection.Devices)
            {
                if (!model.Routers.Any(r => Text.Glob.Matches(d, r.Name)))
                {
                    throw new UsageException($"--device {d}: no BGP device matches (spines, leaves and load-balancer speakers run BGP)");
                }
            }

            string fmt = p.GetValue(json) ? "json" : p.GetValue(format)!;
            var failures = new List<Bgp.BgpFailure>();
            foreach (string f in p.GetValue(fail) ?? [])
            {
                try
                {
                    failures.Add(Bgp.BgpFailure.Parse(f));
                }
                catch (ArgumentException e)
                {
                    throw new UsageException("--fail " + e.Message);
                }
            }

            var sim = Bgp.BgpSimulation.Prepare(model);
            var baseline = sim.Converge();
            if (p.GetValue(sweep))
            {
                if (failures.Count > 0 || fmt == "frr-json")
                {
                    throw new UsageException("--sweep runs its own failures; it takes neither --fail nor --format frr-json");
                }

                var mode = p.GetValue(sweepMode) == "down" ? Bgp.FailureMode.Down : Bgp.FailureMode.Silent;
                var results = Bgp.BgpSweep.Run(baseline, Bgp.BgpSweep.Failures(model, mode), Environment.ProcessorCount);
                Emit(stdout, p.GetValue(output), fmt == "json" ? Bgp.BgpReport.SweepJson(model, results) : Bgp.BgpReport.SweepText(model, results));
                return ExitClean;
            }

            var outcome = baseline;
            Bgp.WhatIfReport? report = null;
            if (failures.Count > 0)
            {
                Bgp.BgpScenario scenario;
                try
                {
                    scenario = Bgp.BgpScenario.Resolve(model, failures);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException("--fail: " + e.Message);
                }

                report = Bgp.WhatIfReport.Run(baseline, scenario);
                outcome = report.After;
            }

            if (fmt == "frr-json")
            {
                var files = Bgp.BgpReport.FrrJsonFiles(outcome, selection);
                if (p.GetValue(output) is not string dir)
                {
                    if (files.Count != 1)
                    {
                        throw new UsageException($"--format frr-json selects {files.Count} tables; give -o DIR, or one --device and one --family to print it");
                    }

                    Emit(stdout, null, files[0].Content);
                    return ExitClean;
                }

                AtomicDirectory.Replace(dir, files);
                stderr.WriteLine($"dcnet: wrote {files.Count} files to {dir}");
                return ExitClean;
            }

            if (fmt == "json")
            {
                // Every table of a large fabric runs to hundreds of megabytes: stream it rather than build one string.
                var writer = report is null ? Bgp.BgpReport.JsonWriter(outcome, selection) : Bgp.BgpReport.WhatIfJsonWriter(report, selection);
                if (p.GetValue(output) is string file && file != "-")
                {
                    AtomicFile.Write(file, s => Reporting.JsonOutput.Write(s, writer));
                }
                else
                {
                    using var stream = new TextWriterStream(stdout);
                    Reporting.JsonOutput.Write(stream, writer);
                }

                return ExitClean;
            }

            Emit(stdout, p.GetValue(output), report is null ? Bgp.BgpReport.Text(outcome, selection) : Bgp.BgpReport.WhatIfText(report, selection));
            return ExitClean;
        });
        return cmd;
    }

    private static Command SegmentCommand(TextWriter stdout, TextWriter stderr)
    {
        var design = DesignArgument();
        var json = new Option<bool>("--json") { Description = "Print the audit as JSON (every matrix cell with something allowed or intended)." };
        var matrix = new Option<bool>("--matrix") { Description = "Print every applicable endpoint pair, not only the open ones between different groups." };
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when a finding is at or above this severity: error, warning or info.", DefaultValueFactory = _ => "error" };
        failOn.AcceptOnlyFromAmong("error", "warning", "info");
        var output = OutputOption();
        var cmd = new Command("segment", "Audit micro-segmentation: the OVN ACLs derived from the policy, evaluated with OVN's semantics over every group pair, compared with the intent.") { design, json, matrix, failOn, output };
        cmd.SetAction(p =>
        {
            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            var audit = SegmentationAudit.Of(network);
            var threshold = failOn.Parse(p.GetValue(failOn)!);
            Emit(stdout, p.GetValue(output), p.GetValue(json) ? SegmentReport.Json(audit, threshold) : SegmentReport.Text(audit, threshold, p.GetValue(matrix)));
            stderr.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"dcnet: audited {audit.EndpointCount * audit.EndpointCount:N0} endpoint pairs x 2 families against {audit.Model.Acls.Count:N0} ACLs in {audit.Elapsed.TotalMilliseconds:0} ms"));
            return SegmentReport.ExitCode(audit, threshold);
        });
        return cmd;
    }

    private static Command AclCommand(TextWriter stdout)
    {
        var design = DesignArgument();
        var from = new Option<string>("--from") { Description = "Source: a VM (vm-web-0001), a vNIC (vm-web-0001/eth1), an IP address or 'external'.", Required = true };
        var to = new Option<string>("--to") { Description = "Destination, the same kinds as --from.", Required = true };
        var proto = new Option<string>("--proto") { Description = "tcp, udp, icmp or other (an IP protocol other than those).", DefaultValueFactory = _ => "tcp" };
        proto.AcceptOnlyFromAmong("tcp", "udp", "icmp", "other");
        var dport = new Option<int>("--dport") { Description = "TCP/UDP destination port.", DefaultValueFactory = _ => 443 };
        var sport = new Option<int>("--sport") { Description = "TCP/UDP source port.", DefaultValueFactory = _ => 33333 };
        var family = new Option<int>("--family") { Description = "4 or 6.", DefaultValueFactory = _ => 4 };
        family.AcceptOnlyFromAmong("4", "6");
        var reply = new Option<bool>("--reply") { Description = "Evaluate the reply of the connection (after its first packet), as conntrack sees it." };
        var json = new Option<bool>("--json") { Description = "Print the decision as JSON." };
        var output = OutputOption();
        var cmd = new Command("acl", "Evaluate one packet against the OVN ACLs: every ACL stage on its path, which ACL decided, and why.") { design, from, to, proto, dport, sport, family, reply, json, output };
        cmd.SetAction(p =>
        {
            foreach (var (name, v) in new[] { ("--dport", p.GetValue(dport)), ("--sport", p.GetValue(sport)) })
            {
                if (v is < 0 or > 65535)
                {
                    throw new UsageException($"{name} {v} is not a port (expected 0 to 65535)");
                }
            }

            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            var evaluator = new AclEvaluator(LogicalNetworkBuilder.Of(network));
            var query = new AclQuery(p.GetValue(from)!, p.GetValue(to)!, p.GetValue(family) == 6 ? IpFamily.Ipv6 : IpFamily.Ipv4,
                p.GetValue(proto) switch { "udp" => TransportClass.Udp, "icmp" => TransportClass.Icmp, "other" => TransportClass.Other, _ => TransportClass.Tcp },
                p.GetValue(dport), p.GetValue(sport), p.GetValue(reply));
            AclDecision decision;
            try
            {
                decision = query.Run(evaluator);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            Emit(stdout, p.GetValue(output), p.GetValue(json) ? SegmentReport.AclJson(decision) : SegmentReport.AclText(decision));
            return ExitClean;
        });
        return cmd;
    }

    private static Command InitCommand(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new GeneratorOptions();
        var name = new Option<string>("--name") { Description = "Data-center name.", DefaultValueFactory = _ => defaults.Name };
        var vms = new Option<int>("--vms") { Description = "Number of VMs.", DefaultValueFactory = _ => defaults.Vms };
        var hosts = new Option<int>("--hosts") { Description = "Number of hosts.", DefaultValueFactory = _ => defaults.Hosts };
        var spines = new Option<int>("--spines") { Description = "Number of spines.", DefaultValueFactory = _ => defaults.Spines };
        var leaves = new Option<int>("--leaves") { Description = "Number of leaves (default: one per 20 hosts, even)." };
        var groups = new Option<int>("--groups") { Description = "Number of app groups.", DefaultValueFactory = _ => defaults.Groups };
        var rules = new Option<int>("--rules") { Description = "Explicit segmentation rules to generate (a deterministic mix), for audits at scale.", DefaultValueFactory = _ => 0 };
        var platform = new Option<string>("--platform") { Description = "ove, azure-local, esc, vmware or linux.", DefaultValueFactory = _ => "ove" };
        platform.AcceptOnlyFromAmong("ove", "azure-local", "esc", "vmware", "linux");
        var dualStack = new Option<bool>("--dual-stack") { Description = "Give every network and the fabric IPv6 as well." };
        var schema = new Option<string>("--schema") { Description = "What the yaml-language-server $schema line points at.", DefaultValueFactory = _ => defaults.SchemaReference };
        var output = OutputOption();
        var cmd = new Command("init", "Write a valid design from a few numbers (to standard output, or -o FILE).") { name, vms, hosts, spines, leaves, groups, rules, platform, dualStack, schema, output };
        cmd.SetAction(p =>
        {
            var options = new GeneratorOptions
            {
                Name = p.GetValue(name)!,
                Vms = p.GetValue(vms),
                Hosts = p.GetValue(hosts),
                Spines = p.GetValue(spines),
                Leaves = p.GetValue(leaves),
                Groups = p.GetValue(groups),
                Rules = p.GetValue(rules),
                Platform = Tokens.TryParse<Platform>(p.GetValue(platform)!, out var pl) ? pl : Platform.Ove,
                DualStack = p.GetValue(dualStack),
                SchemaReference = p.GetValue(schema)!,
            };
            string yaml;
            try
            {
                yaml = DesignGenerator.Generate(options);

                // Never write a design dcnet itself would reject.
                _ = Resolver.Resolve(DesignLoader.Parse(yaml, p.GetValue(output) ?? "<init>"));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            Emit(stdout, p.GetValue(output), yaml);
            if (p.GetValue(output) is string file)
            {
                stderr.WriteLine($"dcnet: wrote {file}");
            }

            return ExitClean;
        });
        return cmd;
    }

    private static Command SchemaCommand(TextWriter stdout)
    {
        var output = OutputOption();
        var cmd = new Command("schema", "Print the JSON Schema of the design file (for editors with the YAML language server).") { output };
        cmd.SetAction(p =>
        {
            Emit(stdout, p.GetValue(output), DesignSchema.JsonSchema());
            return ExitClean;
        });
        return cmd;
    }

    private static Command DocsCommand(TextWriter stdout)
    {
        var which = new Argument<string>("document") { Description = "checks or design-file." };
        which.AcceptOnlyFromAmong("checks", "design-file");
        var output = OutputOption();
        var cmd = new Command("docs", "Generate docs/checks.md or docs/design-file.md from the code.") { which, output };
        cmd.SetAction(p =>
        {
            string text = p.GetValue(which) == "checks" ? ChecksReference.Markdown() : DesignSchema.MarkdownReference(DesignExamples.Reference);
            Emit(stdout, p.GetValue(output), text);
            return ExitClean;
        });
        return cmd;
    }

    private static Command HashCommand(TextWriter stdout)
    {
        var policy = new Option<string>("--policy") { Description = "xmit_hash_policy: " + string.Join(", ", Tokens.All<Bonding.XmitHashPolicy>()) + ".", Required = true };
        policy.AcceptOnlyFromAmong([.. Tokens.All<Bonding.XmitHashPolicy>()]);
        var members = new Option<int>("--members") { Description = "Usable bond members (1 to 64): the member is hash % members.", Required = true };
        var flows = new Option<string>("--flows") { Description = "Flow CSV (src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port[,frag,inner,vni,hex]); - or omitted: standard input.", DefaultValueFactory = _ => "-" };
        var vlanMode = new Option<string>("--vlan-mode") { Description = "metadata: a tagged row comes from a VLAN device on the bond (the tag is skb metadata); inband: the tag is in the frame bytes.", DefaultValueFactory = _ => "metadata" };
        vlanMode.AcceptOnlyFromAmong("metadata", "inband");
        var json = new Option<bool>("--json") { Description = "Print { policy, members, flows: [ { hash, member } ] }." };
        var output = OutputOption();
        var cmd = new Command("hash", "The Linux bonding transmit hash of every flow of a CSV, in input order: one line per flow with the 32-bit hash and the member balance-xor/802.3ad pick.")
        {
            policy, members, flows, vlanMode, json, output,
        };
        cmd.SetAction(p =>
        {
            int n = p.GetValue(members);
            if (n is < 1 or > 64)
            {
                throw new UsageException($"--members must be 1 to 64, not {n}");
            }

            if (!Tokens.TryParse<Bonding.XmitHashPolicy>(p.GetValue(policy)!, out var pol))
            {
                throw new UsageException($"unknown --policy '{p.GetValue(policy)}'");
            }

            var rows = Bonding.FlowCsv.Load(p.GetValue(flows)!);
            var tagging = p.GetValue(vlanMode) == "inband" ? Bonding.VlanTagging.InBand : Bonding.VlanTagging.Metadata;
            var hashes = Bonding.HashReport.Run(rows, pol, n, tagging);
            Emit(stdout, p.GetValue(output), p.GetValue(json) ? Bonding.HashReport.Json(hashes, pol, n) : Bonding.HashReport.Text(hashes));
            return ExitClean;
        });
        return cmd;
    }

    private static Command BondsCommand(TextWriter stdout)
    {
        var design = DesignArgument();
        var host = new Option<string?>("--host") { Description = "Only this host (a name or a glob such as worker-01*), with every member, traffic class and failover detail." };
        var json = new Option<bool>("--json") { Description = "Print the loads as JSON." };
        var output = OutputOption();
        var cmd = new Command("bonds", "How every host bond spreads the design's traffic over its members: flow and byte shares, imbalance, the largest flow against a member's speed, failover.")
        {
            design, host, json, output,
        };
        cmd.SetAction(p =>
        {
            var network = Resolver.Resolve(DesignLoader.Load(p.GetValue(design)!));
            string? h = p.GetValue(host);
            var report = Bonding.BondsReport.Build(network, h);
            if (h is not null && report.Loads.Count == 0)
            {
                throw new UsageException($"no host named '{h}' has a bond (hosts are named like {network.Hosts.FirstOrDefault()?.Name ?? "worker-001"})");
            }

            Emit(stdout, p.GetValue(output), p.GetValue(json) ? report.Json() : report.Text());
            return ExitClean;
        });
        return cmd;
    }

    private static void Emit(TextWriter stdout, string? path, string text)
    {
        if (path is null || path == "-")
        {
            stdout.Write(text);
            stdout.Flush();
        }
        else
        {
            AtomicFile.WriteAllText(path, text);
        }
    }
}

/// <summary>Bad usage that the parser cannot see: exit code 2 with the message.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }

    public UsageException() { }

    public UsageException(string message, Exception inner) : base(message, inner) { }
}
