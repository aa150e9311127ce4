using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace Warehouse.Database;

/// <summary>
/// The private PostgreSQL cluster the CLI uses when no connection is configured: created under
/// .warehouse/pg from the PostgreSQL binaries installed on the machine, listening on a free
/// loopback port, with a generated password kept beside it. As root, the server runs as the
/// 'postgres' system user (PostgreSQL refuses to run as root).
/// </summary>
public sealed class EmbeddedPostgres(string baseDirectory)
{
    private const string UserName = "warehouse";
    private const string DatabaseName = "warehouse";

    private string DataDirectory => Path.Combine(ServerDirectory, "data");
    private string SocketDirectory => Path.Combine(ServerDirectory, "run");
    private string StateFile => Path.Combine(baseDirectory, "state.json");
    private string LogFile => Path.Combine(ServerDirectory, "server.log");

    /// <summary>
    /// Where the server's files live: .warehouse/pg itself, unless we are root and the 'postgres'
    /// user cannot reach that folder (a checkout under /root), then a folder of its own in /var/tmp.
    /// </summary>
    private string ServerDirectory => serverDirectory ??= ChooseServerDirectory();
    private string? serverDirectory;

    private string ChooseServerDirectory()
    {
        Directory.CreateDirectory(baseDirectory);
        if (!IsRoot || RunProcess("runuser", ["-u", "postgres", "--", "test", "-x", baseDirectory], throwOnError: false) == 0)
        {
            return baseDirectory;
        }

        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(baseDirectory)))[..12].ToLowerInvariant();
        var outside = Path.Combine("/var/tmp", $"warehouse-pg-{hash}");
        Directory.CreateDirectory(outside);
        return outside;
    }

    public static EmbeddedPostgres ForRepository() => new(Path.Combine(RepositoryRoot.Find(), ".warehouse", "pg"));

    public sealed record State(int Port, string Password);

    /// <summary>Initialises the cluster if needed, starts it if stopped, and returns a connection string to its warehouse database.</summary>
    public string Start()
    {
        var binaries = FindBinaries();
        Directory.CreateDirectory(baseDirectory);
        var state = ReadState();
        if (state is null || !File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            state = Initialise(binaries);
        }

        if (!IsRunning(binaries))
        {
            state = state with { Port = FreeLoopbackPort() };
            File.WriteAllText(StateFile, JsonSerializer.Serialize(state));
            Directory.CreateDirectory(SocketDirectory);
            HandToServerUser(SocketDirectory);
            var options = $"-p {state.Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1";
            Run(binaries, "pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-o", options, "-w", "-t", "60", "start"]);
        }

        EnsureDatabase(state);
        return ConnectionString(state, DatabaseName);
    }

    public void Stop()
    {
        var binaries = FindBinaries();
        if (IsRunning(binaries))
        {
            Run(binaries, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        }
    }

    public string Status()
    {
        var state = ReadState();
        if (state is null || !Directory.Exists(DataDirectory))
        {
            return $"not created ({baseDirectory})";
        }

        return IsRunning(FindBinaries())
            ? $"running on 127.0.0.1:{state.Port}, data in {DataDirectory}"
            : $"stopped, data in {DataDirectory}";
    }

    public static string ConnectionString(State state, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = state.Port,
            Username = UserName,
            Password = state.Password,
            Database = database,
            Pooling = true,
            CommandTimeout = 0,
        }.ConnectionString;

    private State Initialise(string binaries)
    {
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        var state = new State(0, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        Directory.CreateDirectory(DataDirectory);
        var passwordFile = Path.Combine(ServerDirectory, "pwfile");
        File.WriteAllText(passwordFile, state.Password);
        HandToServerUser(ServerDirectory);
        HandToServerUser(passwordFile);
        try
        {
            Run(binaries, "initdb", ["-D", DataDirectory, "-U", UserName, "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C"]);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        File.WriteAllText(StateFile, JsonSerializer.Serialize(state));
        return state;
    }

    private void EnsureDatabase(State state)
    {
        using var connection = new NpgsqlConnection(ConnectionString(state, "postgres"));
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            create.ExecuteNonQuery();
        }
    }

    private bool IsRunning(string binaries) =>
        File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) &&
        Run(binaries, "pg_ctl", ["-D", DataDirectory, "status"], throwOnError: false) == 0;

    private State? ReadState() =>
        File.Exists(StateFile) ? JsonSerializer.Deserialize<State>(File.ReadAllText(StateFile)) : null;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>As root the server runs as 'postgres', which must own the cluster's folders.</summary>
    private static void HandToServerUser(string path)
    {
        if (IsRoot)
        {
            RunProcess("chown", ["-R", "postgres:postgres", path], throwOnError: true);
        }
    }

    private static int Run(string binaries, string tool, IReadOnlyList<string> arguments, bool throwOnError = true)
    {
        var executable = Path.Combine(binaries, tool);
        return IsRoot
            ? RunProcess("runuser", ["-u", "postgres", "--", executable, .. arguments], throwOnError)
            : RunProcess(executable, arguments, throwOnError);
    }

    private static int RunProcess(string fileName, IReadOnlyList<string> arguments, bool throwOnError)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new WarehouseException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (throwOnError && process.ExitCode != 0)
        {
            throw new WarehouseException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments.Take(4))} failed ({process.ExitCode}): {error.Trim()} {output.Result.Trim()}".Trim());
        }

        return process.ExitCode;
    }

    /// <summary>The newest installed PostgreSQL server binaries: /usr/lib/postgresql/N/bin, else pg_ctl on the PATH.</summary>
    private static string FindBinaries()
    {
        var debian = new DirectoryInfo("/usr/lib/postgresql");
        if (debian.Exists)
        {
            var newest = debian.GetDirectories()
                .Where(d => File.Exists(Path.Combine(d.FullName, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(d.Name, out var version) ? version : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return Path.Combine(newest.FullName, "bin");
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        return onPath ?? throw new WarehouseException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found: install them (apt-get install postgresql) or set WAREHOUSE_CONNECTION.");
    }
}
