using Wharf.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Wharf.Integration.Tests.Clients;

/// <summary>
/// What the containers/image clients (skopeo, podman) read from /etc, kept in a temporary folder so the tests neither
/// depend on nor change the machine's configuration: a policy that accepts anything, and a registries.conf that
/// marks the test registry insecure (plain HTTP).
/// </summary>
public sealed class ClientEnvironment : IDisposable
{
    private readonly TempDirectory _dir = new("wharf-clients");

    public ClientEnvironment(WharfProcess server, ITestOutputHelper output)
    {
        Policy = Path.Combine(_dir.Path, "policy.json");
        File.WriteAllText(Policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        string registries = Path.Combine(_dir.Path, "registries.conf");
        File.WriteAllText(registries, $"unqualified-search-registries = []\n\n[[registry]]\nlocation = \"{server.HostPort}\"\ninsecure = true\n");
        string containersConf = Path.Combine(_dir.Path, "containers.conf");
        File.WriteAllText(containersConf, "[engine]\nevents_logger = \"none\"\ncgroup_manager = \"cgroupfs\"\n");

        Command = new Command(output);
        Command.Environment["CONTAINERS_REGISTRIES_CONF"] = registries;
        Command.Environment["CONTAINERS_CONF"] = containersConf;
        string auth = Path.Combine(_dir.Path, "auth.json");
        File.WriteAllText(auth, "{\"auths\":{}}"); // podman insists the file exists
        Command.Environment["REGISTRY_AUTH_FILE"] = auth;
        Command.Environment["TMPDIR"] = _dir.Sub("tmp");
        Command.Environment["HOME"] = _dir.Sub("home");
    }

    public string Policy { get; }

    public Command Command { get; }

    public string Sub(string name) => _dir.Sub(name);

    public void Dispose() => _dir.Dispose();
}
