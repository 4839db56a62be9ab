using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace RandCond.Experiments.Runs;

/// <summary>One run as the store holds it.</summary>
public sealed record RunSummary(long Id, string Experiment, string Name, string Status, DateTime StartedUtc, DateTime? FinishedUtc,
                                JsonObject Config, IReadOnlyDictionary<string, double> Final, IReadOnlyDictionary<string, string> Artefacts);

/// <summary>A metric at one step of a run.</summary>
public sealed record MetricPoint(int Step, string Name, double Value);

/// <summary>
/// Every distillation run in one SQLite file: its configuration (JSON), metrics over steps, final metrics and the paths
/// of what it wrote. Notebooks query it to build tables across runs. Default location: .cache/runs.sqlite in the
/// repository (machine-local; the committed numbers live in results/). Each write is its own transaction, so a
/// killed run leaves the store consistent, with that run's status still "running".
/// </summary>
public sealed class RunStore : IDisposable
{
    private readonly SqliteConnection connection;

    public RunStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute("""
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, experiment TEXT NOT NULL, name TEXT NOT NULL,
                    status TEXT NOT NULL, started_utc TEXT NOT NULL, finished_utc TEXT, config TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS metrics (run_id INTEGER NOT NULL REFERENCES runs(id), step INTEGER NOT NULL,
                    name TEXT NOT NULL, value REAL NOT NULL);
                CREATE TABLE IF NOT EXISTS final_metrics (run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL,
                    value REAL NOT NULL, PRIMARY KEY (run_id, name));
                CREATE TABLE IF NOT EXISTS artefacts (run_id INTEGER NOT NULL REFERENCES runs(id), kind TEXT NOT NULL,
                    path TEXT NOT NULL, PRIMARY KEY (run_id, kind));
                CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, name, step);
                """);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new InvalidDataException($"run store {Path}: not a usable SQLite database ({e.Message})", e);
        }
    }

    public string Path { get; }

    /// <summary>The store at .cache/runs.sqlite of the repository.</summary>
    public static RunStore Default() => new(RepoPaths.Cache("runs.sqlite"));

    public long StartRun(string experiment, string name, JsonObject config)
    {
        using var command = Command("INSERT INTO runs (experiment, name, status, started_utc, config) VALUES ($e, $n, 'running', $s, $c) RETURNING id",
            ("$e", experiment), ("$n", name), ("$s", Now()), ("$c", config.ToJsonString()));
        return (long)command.ExecuteScalar()!;
    }

    public void LogMetrics(long run, int step, IReadOnlyDictionary<string, double> values)
    {
        using var transaction = connection.BeginTransaction();
        foreach (var (name, value) in values)
        {
            using var command = Command("INSERT INTO metrics (run_id, step, name, value) VALUES ($r, $s, $n, $v)",
                ("$r", run), ("$s", step), ("$n", name), ("$v", value));
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public void Finish(long run, IReadOnlyDictionary<string, double> final, IReadOnlyDictionary<string, string>? artefacts = null, string status = "finished")
    {
        if (final.FirstOrDefault(kv => !double.IsFinite(kv.Value)) is { Key: not null } bad)
            throw new ArgumentException($"run store: final metric '{bad.Key}' of run {run} is {bad.Value}; only finite numbers are stored", nameof(final));
        using var transaction = connection.BeginTransaction();
        foreach (var (name, value) in final)
            Run(transaction, "INSERT OR REPLACE INTO final_metrics (run_id, name, value) VALUES ($r, $n, $v)", ("$r", run), ("$n", name), ("$v", value));
        foreach (var (kind, path) in artefacts ?? new Dictionary<string, string>())
            Run(transaction, "INSERT OR REPLACE INTO artefacts (run_id, kind, path) VALUES ($r, $k, $p)", ("$r", run), ("$k", kind), ("$p", path));
        int changed = Run(transaction, "UPDATE runs SET status = $st, finished_utc = $f WHERE id = $r", ("$st", status), ("$f", Now()), ("$r", run));
        if (changed != 1) throw new ArgumentException($"run store {Path}: no run with id {run}", nameof(run));
        transaction.Commit();
    }

    /// <summary>Runs, newest first, optionally of one experiment.</summary>
    public IReadOnlyList<RunSummary> Runs(string? experiment = null)
    {
        var runs = new List<RunSummary>();
        using (var command = Command("SELECT id, experiment, name, status, started_utc, finished_utc, config FROM runs " +
                                     "WHERE $e IS NULL OR experiment = $e ORDER BY id DESC", ("$e", (object?)experiment ?? DBNull.Value)))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                runs.Add(new RunSummary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    ParseTime(reader.GetString(4)), reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5)),
                    JsonNode.Parse(reader.GetString(6))!.AsObject(), new Dictionary<string, double>(), new Dictionary<string, string>()));
        return runs.Select(r => r with { Final = Final(r.Id), Artefacts = Artefacts(r.Id) }).ToArray();
    }

    public IReadOnlyDictionary<string, double> Final(long run) =>
        Pairs("SELECT name, value FROM final_metrics WHERE run_id = $r ORDER BY name", run, r => r.GetDouble(1));

    public IReadOnlyDictionary<string, string> Artefacts(long run) =>
        Pairs("SELECT kind, path FROM artefacts WHERE run_id = $r ORDER BY kind", run, r => r.GetString(1));

    /// <summary>A metric of a run over steps.</summary>
    public IReadOnlyList<MetricPoint> Metric(long run, string name)
    {
        using var command = Command("SELECT step, value FROM metrics WHERE run_id = $r AND name = $n ORDER BY step", ("$r", run), ("$n", name));
        using var reader = command.ExecuteReader();
        var points = new List<MetricPoint>();
        while (reader.Read()) points.Add(new MetricPoint(reader.GetInt32(0), name, reader.GetDouble(1)));
        return points;
    }

    /// <summary>The names of the metrics a run logged, sorted.</summary>
    public IReadOnlyList<string> MetricNames(long run)
    {
        using var command = Command("SELECT DISTINCT name FROM metrics WHERE run_id = $r ORDER BY name", ("$r", run));
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    public void Dispose() => connection.Dispose();

    private Dictionary<string, T> Pairs<T>(string sql, long run, Func<SqliteDataReader, T> value)
    {
        using var command = Command(sql, ("$r", run));
        using var reader = command.ExecuteReader();
        var result = new Dictionary<string, T>();
        while (reader.Read()) result[reader.GetString(0)] = value(reader);
        return result;
    }

    private int Run(SqliteTransaction transaction, string sql, params (string, object)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
    private static DateTime ParseTime(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
