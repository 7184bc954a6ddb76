// Slack mrkdwn -> HTML, as the Slack client shows it: *bold*, _italic_, ~strike~, `code`,
// ```code blocks```, > quotes, list lines, <url|links>, <@U…> / <#C…> as names,
// <!date^…> in the viewer's time zone, :emoji: as the character where known.
import { emojiCode } from "./emoji.js";

const HTML_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Slack escapes only &, < and > in message text; undo that before escaping for HTML. */
function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function emojiChar(name) {
  const bare = name.replace(/::skin-tone-\d$/, "");
  const code = emojiCode(bare);
  if (!code) return null;
  return String.fromCodePoint(...code.split("-").map((hex) => parseInt(hex, 16)));
}

/** `:name:` -> the character, else the name kept as Slack shows an unknown emoji. */
export function emojify(html) {
  return html.replace(/:([a-z0-9_+'-]+(?:::skin-tone-\d)?):/gi, (whole, name) => {
    const char = emojiChar(name.toLowerCase());
    return char ? `<span class="emoji" title=":${name}:">${char}</span>` : whole;
  });
}

const ORDINAL = (n) => {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
};

const FORMATS = new Map();

/** One Intl.DateTimeFormat per zone and options: making one is the costly part. */
export function dateFormat(tz, options) {
  const key = `${tz}|${JSON.stringify(options)}`;
  let format = FORMATS.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: tz, ...options });
    FORMATS.set(key, format);
  }
  return format;
}

function parts(date, tz, options) {
  const out = {};
  for (const p of dateFormat(tz, options).formatToParts(date)) out[p.type] = p.value;
  return out;
}

function dayKey(date, tz) {
  const p = parts(date, tz, { year: "numeric", month: "2-digit", day: "2-digit" });
  return `${p.year}-${p.month}-${p.day}`;
}

function pretty(date, tz, now, fallback) {
  if (!now) return fallback();
  const day = 86400000;
  const key = dayKey(date, tz);
  if (key === dayKey(now, tz)) return "Today";
  if (key === dayKey(new Date(now.getTime() - day), tz)) return "Yesterday";
  if (key === dayKey(new Date(now.getTime() + day), tz)) return "Tomorrow";
  return fallback();
}

/** One `<!date^ts^format>` rendered in `tz`, tokens as Slack documents them. */
export function formatSlackDate(seconds, format, tz, now) {
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return null;
  const long = parts(date, tz, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  });
  const num = parts(date, tz, { year: "numeric", month: "2-digit", day: "2-digit" });
  const day = Number(long.day);
  const dateText = `${long.month} ${ORDINAL(day)}, ${long.year}`;
  const shortText = `${long.month.slice(0, 3)} ${day}, ${long.year}`;
  const longText = `${long.weekday}, ${dateText}`;
  const time = (secs) =>
    dateFormat(tz, { hour: "numeric", minute: "2-digit", ...(secs ? { second: "2-digit" } : {}) }).format(date);
  const ago = () => {
    if (!now) return shortText;
    const mins = Math.round((now.getTime() - date.getTime()) / 60000);
    const abs = Math.abs(mins);
    const [n, unit] =
      abs < 60 ? [abs, "minute"] : abs < 1440 ? [Math.round(abs / 60), "hour"] : [Math.round(abs / 1440), "day"];
    const words = `${n} ${unit}${n === 1 ? "" : "s"}`;
    return mins >= 0 ? `${words} ago` : `in ${words}`;
  };
  const tokens = {
    date_num: () => `${num.year}-${num.month}-${num.day}`,
    date: () => dateText,
    date_short: () => shortText,
    date_long: () => longText,
    date_pretty: () => pretty(date, tz, now, () => dateText),
    date_short_pretty: () => pretty(date, tz, now, () => shortText),
    date_long_pretty: () => pretty(date, tz, now, () => longText),
    time: () => time(false),
    time_secs: () => time(true),
    ago,
  };
  return format.replace(/\{(\w+)\}/g, (whole, token) => (tokens[token] ? tokens[token]() : whole));
}

function nameOf(map, id, fallback) {
  const found = map?.get?.(id);
  return found ? found.real_name || found.name : fallback || id;
}

/** One `<…>` control sequence to HTML. */
function controlSequence(inner, ctx) {
  const [target, label] = splitLabel(inner);
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = label || nameOf(ctx.people, id, id);
    return `<span class="mention" data-user="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const channel = ctx.channels?.get?.(id);
    const name = label || (channel ? channel.name : id);
    return `<span class="mention channel" data-channel="${escapeHtml(id)}">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("!date^")) {
    const [, ts, format, link] = target.split("^");
    const shown = formatSlackDate(ts, format || "{date}", ctx.tz, ctx.now);
    const text = escapeHtml(shown ?? label ?? "");
    return link ? `<a href="${escapeHtml(link)}" target="_blank" rel="noopener">${text}</a>` : `<span class="date">${text}</span>`;
  }
  if (target.startsWith("!subteam^")) {
    return `<span class="mention">${escapeHtml(label || "@group")}</span>`;
  }
  if (target.startsWith("!")) {
    return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  }
  const href = escapeHtml(target);
  return `<a href="${href}" target="_blank" rel="noopener">${escapeHtml(label || target)}</a>`;
}

function splitLabel(inner) {
  const bar = inner.indexOf("|");
  return bar < 0 ? [inner, null] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

const EDGE_BEFORE = "(^|[\\s(\\[{\"'>*_~.,;:!?/-])";
const EDGE_AFTER = "(?=$|[\\s)\\]}\"'<*_~.,;:!?/-])";

function styleRule(mark, tag) {
  const m = mark.replace(/[*~]/g, "\\$&");
  return [new RegExp(`${EDGE_BEFORE}${m}(?=\\S)([^\\n]*?\\S)${m}${EDGE_AFTER}`, "g"), tag];
}

const STYLE_RULES = [styleRule("*", "b"), styleRule("_", "i"), styleRule("~", "s")];

/** Inline formatting of one stretch of text (no code blocks or quotes in it). */
function inline(text, ctx) {
  const held = [];
  const hold = (html) => {
    held.push(html);
    return `\u0000${held.length - 1}\u0000`;
  };
  let out = text.replace(/<([^<>\n]+)>/g, (_, inner) => hold(controlSequence(unescapeSlack(inner), ctx)));
  out = out.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  out = escapeHtml(unescapeSlack(out));
  for (let pass = 0; pass < 2; pass++) {
    for (const [rule, tag] of STYLE_RULES) {
      out = out.replace(rule, (_, before, body) => `${before}<${tag}>${body}</${tag}>`);
    }
  }
  out = emojify(out);
  return out.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
}

const LIST_LINE = /^(\s*)(•|◦|▪|-|\d+\.)\s+/;

function lines(text, ctx) {
  const rows = text.split("\n");
  const html = [];
  let quote = [];
  const flush = () => {
    if (quote.length) html.push({ block: `<blockquote>${quote.join("\n")}</blockquote>` });
    quote = [];
  };
  for (const row of rows) {
    const q = row.match(/^(&gt;|>)\s?(.*)$/);
    if (q) {
      quote.push(inline(q[2], ctx));
      continue;
    }
    flush();
    const li = row.match(LIST_LINE);
    if (li) {
      html.push({ block: `<span class="li" style="--indent:${li[1].length}">${inline(row.trim(), ctx)}</span>` });
    } else {
      html.push({ line: inline(row, ctx) });
    }
  }
  flush();
  // Lines are joined by newlines (the container is pre-wrap); block pieces bring their own break.
  let out = "";
  html.forEach((piece, i) => {
    if (piece.block) out += piece.block;
    else out += piece.line + (i < html.length - 1 && !html[i + 1].block ? "\n" : "");
  });
  return out;
}

/** mrkdwn text -> HTML string. ctx: {people: Map, channels: Map, tz, now: Date}. */
export function mrkdwnToHtml(text, ctx = {}) {
  const src = String(text ?? "");
  const chunks = src.split(/```/);
  let out = "";
  chunks.forEach((chunk, i) => {
    if (i % 2 === 1 && i < chunks.length - 1) {
      out += `<pre class="code-block">${escapeHtml(unescapeSlack(chunk.replace(/^\n|\n$/g, "")))}</pre>`;
    } else {
      const body = i % 2 === 1 ? "```" + chunk : chunk;
      out += lines(i > 0 ? body.replace(/^\n/, "") : body, ctx);
    }
  });
  return out;
}

/** plain_text objects: escaped, emoji converted when `emoji` is not false. */
export function plainToHtml(obj) {
  const text = escapeHtml(typeof obj === "string" ? obj : obj?.text ?? "");
  return obj?.emoji === false ? text : emojify(text);
}

/** A text object (plain_text or mrkdwn) -> HTML. */
export function textToHtml(obj, ctx) {
  if (!obj) return "";
  if (typeof obj === "string") return mrkdwnToHtml(obj, ctx);
  return obj.type === "mrkdwn" ? mrkdwnToHtml(obj.text, ctx) : plainToHtml(obj);
}
