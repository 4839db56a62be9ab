using System.Text.RegularExpressions;
using RandCond.Experiments;
using RandCond.Notebooks;

namespace RandCond.Tests.Notebooks;

/// <summary>
/// A notebook is the experiment, cell by cell, on typed building blocks: its code never drives a lab through argument
/// strings or the CLI's command tree (<c>RandCond.Cli.Lab</c>: <c>LabCommands</c>, <c>HeldOutDigitCommand</c>, …), and never reads a result record field by field as JSON (records load as typed results).
/// </summary>
public sealed class NotebookCodeTests
{
    /// <summary>What a notebook's code must not contain, each with a name for the failure message.</summary>
    public static readonly (string Rule, Regex Pattern)[] Rules =
    [
        ("the CLI's command tree", new Regex(@"\b(?:RandCond\.Cli|LabCommands?|LabArguments|\w+Command\(\)\.Config)\b")),
        ("an argument string", new Regex(@"""--")),
        ("a JSON field cast", new Regex(@"\((?:double|float|int|long|ulong|uint|short|decimal|bool|string)\??\)\s*[A-Za-z_][\w.!?]*(?:\[[^\]]*\][!?]?)*\[\s*""")),
        ("a JSON field read with !", new Regex(@"\[\s*""[^""]*""\s*\]!")),
        ("GetValue<", new Regex(@"\.GetValue<")),
        (".Json[", new Regex(@"\.Json\[")),
        ("JsonNode", new Regex(@"\bJsonNode\b")),
        ("JsonObject", new Regex(@"\bJsonObject\b")),
    ];

    /// <summary>"cell 12, line 4: a JSON field cast: paper.AddRow((long)r!["t"]!, ...)" for every offending line of every code cell.</summary>
    public static IReadOnlyList<string> Offences(Notebook notebook)
    {
        var found = new List<string>();
        for (int c = 0; c < notebook.Cells.Count; c++)
        {
            var cell = notebook.Cells[c];
            if (!cell.IsCode) continue;
            var lines = cell.Source.Split('\n');
            for (int l = 0; l < lines.Length; l++)
                foreach (var (rule, pattern) in Rules)
                    if (pattern.IsMatch(lines[l]))
                        found.Add($"cell {c}, line {l + 1}: {rule}: {lines[l].Trim()}");
        }
        return found;
    }

    public static IReadOnlyList<string> NotebookNames() =>
        Directory.GetFiles(Path.Combine(RepoPaths.RequireRoot(), "notebooks"), "*.ipynb").Select(p => Path.GetFileName(p)).Order().ToList();

    public static TheoryData<string> Notebooks() => new(NotebookNames());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void A_notebooks_code_uses_typed_building_blocks_only(string notebook)
    {
        var offences = Offences(NotebookFile.Read(Path.Combine(RepoPaths.RequireRoot(), "notebooks", notebook)));

        Assert.True(offences.Count == 0, $"notebooks/{notebook}:\n  " + string.Join("\n  ", offences));
    }

    [Fact]
    public void Every_notebook_is_checked()
    {
        var names = NotebookNames();

        Assert.Contains("00-quickstart.ipynb", names);
        Assert.Contains("02-altered-conditioning.ipynb", names);
        Assert.True(names.Count >= 9, $"only {names.Count} notebooks found: {string.Join(", ", names)}");
    }

    [Fact]
    public void Each_rule_names_the_cell_and_line_it_catches()
    {
        string[] offending =
        [
            "var config = new HeldOutDigitCommand().Config(\"--scale\", scale);",
            "LabCommands.Run(args, Console.Out, Console.Error);",
            "Lab.Execute(\"--scale\", scale);",
            "paper.AddRow((long)r![\"t\"]!, 1.0);",
            "double x = (double)record.Json[\"rows\"][0][\"fd\"];",
            "var d = rows[0][\"fd\"]!;",
            "var s = node.GetValue<string>();",
            "var n = recorded.Json[\"images\"];",
            "JsonNode? node = null;",
            "var o = new JsonObject();",
        ];
        var notebook = NotebookFile.Parse(NotebookWith("// a clean line\nvar table = result.Table();", string.Join("\n", offending)));

        var offences = Offences(notebook);

        Assert.Equal(offending.Length, offences.Select(o => o.Split(':')[0]).Distinct().Count());
        Assert.All(offences, o => Assert.StartsWith("cell 2, line ", o));
        Assert.Contains(offences, o => o.StartsWith("cell 2, line 4: a JSON field cast"));
        Assert.Contains(offences, o => o.StartsWith("cell 2, line 1: the CLI's command tree"));
        Assert.Contains(offences, o => o.StartsWith("cell 2, line 2: the CLI's command tree"));
        Assert.DoesNotContain(offences, o => o.StartsWith("cell 1,"));
    }

    [Fact]
    public void Typed_code_and_markdown_pass()
    {
        var notebook = NotebookFile.Parse(NotebookWith(
            "var paper = AlteredConditioningResult.Recorded(\"altered-conditioning-paper-cuda.json\");\n" +
            "var t = (double)rows[0].T;\nvar name = names[\"a\"];\nConsole.WriteLine($\"{paper!.Rows[0].FollowsNew:P1}\");",
            "// nothing"));

        Assert.Empty(Offences(notebook));
    }

    /// <summary>A notebook whose cell 0 is Markdown that mentions every forbidden thing, then two code cells.</summary>
    private static string NotebookWith(string firstCode, string secondCode)
    {
        static string Cell(string type, string source) =>
            $$"""{"cell_type": "{{type}}", "metadata": {}, "source": {{System.Text.Json.JsonSerializer.Serialize(source)}}{{(type == "code" ? ", \"outputs\": [], \"execution_count\": null" : "")}}}""";
        return $$"""
            {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
              {{Cell("markdown", "LabCommands, HeldOutDigitCommand().Config, \"--scale\", (double)x[\"t\"]!, JsonObject")}},
              {{Cell("code", firstCode)}},
              {{Cell("code", secondCode)}}
            ]}
            """;
    }
}
