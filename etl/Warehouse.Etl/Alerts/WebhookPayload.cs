using System.Text.Json.Nodes;

namespace Warehouse.Alerts;

/// <summary>
/// The digest as an incoming-webhook message: Slack (text + Block Kit blocks: a header, then one
/// section per shop and severity) or Microsoft Teams (a message with one Adaptive Card attachment:
/// a title block, then per shop and severity a heading and a fact set of rule -> message).
/// </summary>
public static class WebhookPayload
{
    public static JsonObject For(string format, AlertDigest digest) => format switch
    {
        "slack" => Slack(digest),
        "teams" => Teams(digest),
        _ => throw new ArgumentException($"webhook format must be slack or teams, not '{format}'", nameof(format)),
    };

    public static JsonObject Slack(AlertDigest digest)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = digest.Title } },
        };
        foreach (var (shop, severities) in digest.Groups())
        {
            foreach (var (severity, alerts) in severities)
            {
                var lines = string.Join("\n", alerts.Select(a => $"• {Escape(a.Message)}"));
                blocks.Add(new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*{Escape(shop)}* · {severity} ({alerts.Count})\n{lines}" },
                });
            }
        }

        return new JsonObject { ["text"] = digest.Title, ["blocks"] = blocks };
    }

    public static JsonObject Teams(AlertDigest digest)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = digest.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
        };
        foreach (var (shop, severities) in digest.Groups())
        {
            foreach (var (severity, alerts) in severities)
            {
                body.Add(new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = $"{shop} · {severity} ({alerts.Count})", ["weight"] = "Bolder", ["wrap"] = true,
                    ["color"] = severity == "high" ? "Attention" : severity == "warning" ? "Warning" : "Default",
                });
                body.Add(new JsonObject
                {
                    ["type"] = "FactSet",
                    ["facts"] = new JsonArray(alerts.Select(a => (JsonNode)new JsonObject { ["title"] = a.RuleCode, ["value"] = a.Message }).ToArray()),
                });
            }
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject
                {
                    ["contentType"] = "application/vnd.microsoft.card.adaptive",
                    ["content"] = new JsonObject
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = body,
                    },
                },
            },
        };
    }

    /// <summary>Slack mrkdwn control characters.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
