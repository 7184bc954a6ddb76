// The sandbox page: sidebar, channels and DMs, the Home tab, modals, threads, the clock.
// It talks to the sandbox server only (protocol: GET /api/state, SSE /api/events, POST
// /api/command|action|submit|close|options|home|clock|message), never to the bot directly.
import { closeMenus, clientErrors, collectState, h, renderBlocks } from "./blockkit.js";
import { dateFormat, escapeHtml, formatSlackDate, mrkdwnToHtml } from "./mrkdwn.js";

const TOKEN = document.querySelector('meta[name="sandbox-token"]')?.content || "";
const BOT_DIDNT_RESPOND = "okr-bot didn't respond";

const S = {
  me: new URLSearchParams(location.search).get("user") || localStorage.getItem("sandbox-user") || "",
  state: null,
  people: new Map(),
  channels: new Map(),
  current: null, // {kind: "channel", id} | {kind: "home"}
  thread: null, // {channel, ts}
  events: null,
  unread: {},
  local: {}, // channel -> page-made notices (errors), shown as Slackbot ephemerals
  viewValues: {}, // view id -> values typed, kept across re-renders of the stack
  localErrors: {}, // view id -> {block_id: message} from Slack's own client checks
  fresh: new Set(),
};

// Seen by the browser tests and the benchmark.
window.sandbox = { ready: false, renders: 0, events: 0, errors: [] };

const $ = (sel) => document.querySelector(sel);

// ------------------------------------------------------------------ server calls

async function post(path, body) {
  let res;
  try {
    res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Sandbox-Token": TOKEN },
      body: JSON.stringify({ user: S.me, ...body }),
    });
  } catch (err) {
    throw new Error(`the sandbox server is not answering (${err.message})`);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok && !data) throw new Error(`${BOT_DIDNT_RESPOND} (HTTP ${res.status})`);
  return data || { ok: false, error: `HTTP ${res.status}` };
}

function errorText(answer) {
  const e = answer?.error;
  if (!e) return BOT_DIDNT_RESPOND;
  if (e.includes(BOT_DIDNT_RESPOND)) return e;
  return /respond|timeout|dispatch_failed|internal|5\d\d/i.test(e) ? `${BOT_DIDNT_RESPOND} (${e})` : e;
}

async function load() {
  const url = S.me ? `/api/state?user=${encodeURIComponent(S.me)}` : "/api/state";
  const early = window.sandboxFirstState;
  window.sandboxFirstState = null;
  const res = (early?.url === url && (await early.answer)) || (await fetch(url));
  if (!res.ok) throw new Error(`the sandbox server answered ${res.status} for its state`);
  const state = await res.json();
  S.state = state;
  S.nowSeenAt = Date.now();
  S.me = state.me || S.me;
  localStorage.setItem("sandbox-user", S.me);
  S.people = new Map((state.people || []).map((p) => [p.id, p]));
  S.channels = new Map((state.channels || []).map((c) => [c.id, c]));
  if (state.dm) S.channels.set(state.dm, { id: state.dm, name: "okr-bot", is_im: true });
  if (!S.current || (S.current.kind === "channel" && !state.messages?.[S.current.id] && S.current.id !== state.dm)) {
    S.current = state.dm ? { kind: "channel", id: state.dm } : { kind: "home" };
  }
  renderAll();
}

function connect() {
  S.events?.close();
  const source = new EventSource(`/api/events?user=${encodeURIComponent(S.me)}`);
  S.events = source;
  let dropped = false;
  source.onmessage = (e) => {
    window.sandbox.events++;
    window.sandbox.eventAt = performance.now();
    try {
      onEvent(JSON.parse(e.data));
    } catch (err) {
      showBanner(`The page could not show an update: ${err.message}`);
    }
  };
  source.onerror = () => {
    dropped = true;
    setStatus("reconnecting…");
  };
  source.onopen = () => {
    if (dropped) {
      dropped = false;
      setStatus("");
      load().catch((err) => showBanner(err.message));
    }
  };
}

// ------------------------------------------------------------------ events

function sameMessage(a, b) {
  return a.channel === b.channel && a.ts === b.ts && !!a.ephemeral === !!b.ephemeral;
}

function addMessage(m) {
  const list = (S.state.messages[m.channel] ||= []);
  const at = list.findIndex((x) => sameMessage(x, m));
  if (at >= 0) list[at] = m;
  else list.push(m);
  S.fresh.add(`${m.channel}/${m.ts}`);
  const visible = S.current?.kind === "channel" && S.current.id === m.channel;
  const member = m.channel === S.state.dm || S.channels.get(m.channel)?.is_member !== false;
  if (!visible && member && !(m.thread_ts && m.thread_ts !== m.ts)) S.unread[m.channel] = (S.unread[m.channel] || 0) + 1;
}

function onEvent(ev) {
  switch (ev.type) {
    case "message":
      addMessage(ev.message);
      renderSidebar();
      renderMainIfChannel(ev.message.channel);
      break;
    case "message_changed": {
      const list = (S.state.messages[ev.message.channel] ||= []);
      const at = list.findIndex((x) => sameMessage(x, ev.message) || (x.channel === ev.message.channel && x.ts === ev.message.ts));
      if (at >= 0) list[at] = { ...ev.message, edited: ev.message.edited ?? true };
      else list.push(ev.message);
      S.fresh.add(`${ev.message.channel}/${ev.message.ts}`);
      renderMainIfChannel(ev.message.channel);
      break;
    }
    case "message_deleted": {
      const list = S.state.messages[ev.channel] || [];
      S.state.messages[ev.channel] = list.filter((x) => x.ts !== ev.ts);
      renderMainIfChannel(ev.channel);
      break;
    }
    case "views":
      S.state.views = ev.views || [];
      renderModal();
      break;
    case "home":
      S.state.home = ev.view;
      if (S.current?.kind === "home") renderMain();
      break;
    case "clock":
      S.state.now = ev.now;
      S.nowSeenAt = Date.now();
      renderClock();
      break;
    case "error":
      reportError(ev.text || BOT_DIDNT_RESPOND);
      break;
    case "state":
    default:
      load().catch((err) => showBanner(err.message));
  }
}

/** A bot failure, shown where Slack shows it: in the open modal, else as a Slackbot note. */
function reportError(text) {
  // The server both answers the failed POST and pushes an error event: show it once.
  const recent = Date.now() - (reportError.last?.at || 0) < 3000;
  if (recent && (reportError.last.text.includes(text) || text.includes(reportError.last.text))) return;
  reportError.last = { text, at: Date.now() };
  window.sandbox.errors.push(text);
  const modal = $(".modal");
  if (modal) {
    const problem = modal.querySelector(".modal-problem");
    if (problem) problem.textContent = text;
  }
  const channel = S.current?.kind === "channel" ? S.current.id : S.state?.dm;
  if (channel) {
    (S.local[channel] ||= []).push({ channel, ts: nowTs(), user: "USLACKBOT", text, ephemeral: true, is_error: true });
    renderMainIfChannel(channel);
  }
  if (S.current?.kind === "home") showBanner(text);
}

// ------------------------------------------------------------------ helpers

const tz = () => S.people.get(S.me)?.tz || Intl.DateTimeFormat().resolvedOptions().timeZone;
const now = () => (S.state?.now ? new Date(S.state.now) : new Date());
/** The sandbox's time now (its clock runs on from the last state or clock event), as a ts. */
const nowTs = () => ((now().getTime() + (Date.now() - (S.nowSeenAt || Date.now()))) / 1000).toFixed(6);
const textCtx = () => ({ people: S.people, channels: S.channels, tz: tz(), now: now() });

function personName(id) {
  const p = S.people.get(id);
  return p ? p.real_name || p.name : id;
}

const AVATAR_COLORS = ["#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#8a56c2", "#36c5f0", "#4a154b"];
function avatar(m) {
  if (isBot(m)) return h("div", { class: "avatar is-bot" }, "🎯");
  if (m.user === "USLACKBOT") return h("div", { class: "avatar", style: "background:#36c5f0" }, "❤");
  const name = personName(m.user) || "?";
  const color = AVATAR_COLORS[[...String(m.user)].reduce((a, c) => a + c.charCodeAt(0), 0) % AVATAR_COLORS.length];
  return h("div", { class: "avatar", style: `background:${color}` }, name.slice(0, 1).toUpperCase());
}

const isBot = (m) => !!m.bot_id || m.user === S.state?.bot?.id;

function timeOf(ts) {
  return dateFormat(tz(), { hour: "numeric", minute: "2-digit" }).format(new Date(Number(ts) * 1000));
}

function dayOf(ts) {
  return formatSlackDate(Number(ts), "{date_long_pretty}", tz(), now());
}

function setStatus(text) {
  const el = $("#clock-status");
  if (el) el.textContent = text;
}

function showBanner(text) {
  const b = $("#banner");
  b.hidden = false;
  b.replaceChildren(h("span", {}, `⚠ ${text}`), h("button", { class: "btn", style: "margin-left:12px;min-height:24px;padding:0 8px", onclick: () => (b.hidden = true) }, "Dismiss"));
}

// ------------------------------------------------------------------ rendering

function renderAll() {
  $("#app").classList.remove("is-loading");
  $("#workspace-name").textContent = S.state.workspace?.name || "Workspace";
  renderPeople();
  renderSidebar();
  renderClock();
  renderMain();
  renderThread();
  renderModal();
  window.sandbox.ready = true;
  window.sandbox.me = S.me;
  window.sandbox.readyAt ??= performance.now();
}

function renderPeople() {
  const select = $("#person");
  select.replaceChildren(
    ...(S.state.people || []).map((p) => {
      const o = h("option", { value: p.id }, `${p.real_name || p.name}${p.title ? ` — ${p.title}` : ""}`);
      o.selected = p.id === S.me;
      return o;
    }),
  );
  const me = S.people.get(S.me);
  $("#person-detail").textContent = me ? `${me.tz}${me.is_admin ? " · admin" : ""}` : "";
}

function renderSidebar() {
  const item = (id, label, icon, extra) => {
    const active = S.current?.kind === "channel" && S.current.id === id;
    const unread = S.unread[id] || 0;
    const a = h("a", { class: `sidebar-item${active ? " is-active" : ""}${unread ? " is-unread" : ""}`, href: `#${id}`, "data-channel": id }, h("span", { class: "icon" }, icon), label, extra || null, unread ? h("span", { class: "badge" }, unread) : null);
    a.addEventListener("click", (e) => {
      e.preventDefault();
      openChannel(id);
    });
    return a;
  };
  $("#channel-list").replaceChildren(
    ...(S.state.channels || []).map((c) => item(c.id, c.name, "#", c.is_member === false ? h("span", { class: "muted" }, " (not a member)") : null)),
  );
  $("#dm-list").replaceChildren(S.state.dm ? item(S.state.dm, "okr-bot", "🎯", h("span", { class: "app-badge" }, "APP")) : "");
  $("#nav-home").classList.toggle("is-active", S.current?.kind === "home");
}

function renderClock() {
  const when = dateFormat(tz(), { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(now());
  $("#clock-now").textContent = `🕒 ${when} (${tz()})`;
  $("#clock-now").dataset.now = S.state?.now || "";
}

function renderMainIfChannel(channel) {
  if (S.current?.kind === "channel" && S.current.id === channel) renderMain();
  if (S.thread?.channel === channel) renderThread();
}

function openChannel(id) {
  S.current = { kind: "channel", id };
  S.unread[id] = 0;
  S.thread = null;
  renderSidebar();
  renderMain();
  renderThread();
}

async function openHome() {
  S.current = { kind: "home" };
  S.thread = null;
  renderSidebar();
  renderMain();
  renderThread();
  const answer = await post("/api/home", {}).catch((err) => ({ ok: false, error: err.message }));
  if (!answer.ok) reportError(errorText(answer));
}

function channelTitle(id) {
  if (id === S.state.dm) return [h("span", {}, "🎯 okr-bot"), h("span", { class: "app-badge" }, "APP")];
  const c = S.channels.get(id);
  return [h("span", {}, `# ${c ? c.name : id}`)];
}

function renderMain() {
  const head = $("#pane-header");
  const body = $("#pane-body");
  const composer = $("#composer");
  window.sandbox.renders++;
  if (S.current?.kind === "home") {
    head.replaceChildren(h("span", {}, "🎯 okr-bot"), h("span", { class: "app-badge" }, "APP"), h("div", { class: "tabs" }, h("span", { class: "is-active" }, "Home"), h("span", { class: "tab-link", onclick: () => openChannel(S.state.dm) }, "Messages")));
    composer.hidden = true;
    const view = S.state.home;
    body.replaceChildren(view ? h("div", { class: "home", "data-view-id": view.id || "" }, surfaceBlocks(view.blocks, { surface: "home", view })) : h("div", { class: "empty" }, "okr-bot has not published a Home tab for you yet."));
    return;
  }
  composer.hidden = false;
  const id = S.current.id;
  head.replaceChildren(...channelTitle(id));
  $("#composer-input").placeholder = id === S.state.dm ? "Message okr-bot" : `Message #${S.channels.get(id)?.name || id}`;
  const list = messagesOf(id).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  const box = h("div", { id: "messages", "data-channel": id });
  let lastDay = null;
  let last = null;
  for (const m of list) {
    const day = dayOf(m.ts);
    if (day !== lastDay) {
      box.append(h("div", { class: "day-divider" }, h("span", {}, day)));
      lastDay = day;
      last = null;
    }
    const continued = last && sender(last) === sender(m) && Number(m.ts) - Number(last.ts) < 300 && !m.ephemeral && !last.ephemeral;
    box.append(messageEl(m, { continued, replies: repliesOf(id, m.ts) }));
    last = m;
  }
  if (!list.length) box.append(h("div", { class: "empty" }, "No messages here yet."));
  const atBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
  body.replaceChildren(box);
  if (atBottom || S.fresh.size) body.scrollTop = body.scrollHeight;
  S.fresh.clear();
}

const sender = (m) => (isBot(m) ? "bot" : m.user);

function messagesOf(channel) {
  const all = [...(S.state.messages?.[channel] || []), ...(S.local[channel] || [])];
  return all.sort((a, b) => Number(a.ts) - Number(b.ts));
}

function repliesOf(channel, ts) {
  return messagesOf(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);
}

function messageEl(m, { continued = false, replies = [], inThread = false } = {}) {
  const key = `${m.channel}/${m.ts}`;
  const el = h("div", {
    class: `message${continued ? " is-continued" : ""}${m.ephemeral ? " is-ephemeral" : ""}${m.is_error ? " is-error" : ""}${S.fresh.has(key) ? " is-new" : ""}`,
    "data-ts": m.ts,
    "data-channel": m.channel,
  });
  const author = isBot(m) ? m.username || S.state.bot?.name || "okr-bot" : m.user === "USLACKBOT" ? "Slackbot" : personName(m.user);
  const content = h("div", { class: "message-content" });
  if (m.ephemeral) content.append(h("div", { class: "only-you" }, "👁 Only visible to you"));
  content.append(
    h("div", { class: "message-meta" }, h("span", { class: "message-author" }, author), isBot(m) ? h("span", { class: "app-badge" }, "APP") : null, h("span", { class: "message-time", title: m.ts }, timeOf(m.ts))),
  );
  if (m.blocks?.length) {
    content.append(surfaceBlocks(m.blocks, { surface: "message", message: m }));
  } else {
    content.append(h("div", { class: `message-text${m.is_error ? " error-text" : ""}`, html: mrkdwnToHtml(m.text || "", textCtx()) }));
  }
  if (m.edited) content.append(h("span", { class: "message-edited" }, "(edited)"));
  const count = Math.max(replies.length, Number(m.reply_count || 0));
  if (!inThread && count) {
    content.append(h("div", { class: "thread-link", onclick: () => openThread(m.channel, m.ts) }, `${count} ${count === 1 ? "reply" : "replies"}`));
  }
  el.append(avatar(m), content);
  if (!inThread && !m.ephemeral && !m.is_error) {
    el.append(h("div", { class: "message-actions" }, h("button", { type: "button", class: "reply-in-thread", title: "Reply in thread", onclick: () => openThread(m.channel, m.ts) }, "💬")));
  }
  return el;
}

/** Blocks of a message, the Home tab or a modal, wired to the protocol's action calls. */
function surfaceBlocks(blocks, { surface, message, view, prior, errors }) {
  const ctx = {
    ...textCtx(),
    surface,
    fields: [],
    prior: prior || null,
    errors: errors || null,
    onOptions: async (q) => {
      const body = { view_id: view?.id, ...q, state: { values: collectState(ctx.fields) } };
      const answer = await post("/api/options", body).catch((err) => ({ ok: false, error: err.message }));
      if (!answer.ok) reportError(errorText(answer));
      return answer;
    },
  };
  ctx.onAction = async (action) => {
    closeMenus();
    const body = {
      source: surface === "home" ? "home" : surface === "modal" ? "view" : "message",
      action,
      state: { values: collectState(ctx.fields) },
    };
    if (message) Object.assign(body, { channel: message.channel, ts: message.ts, ephemeral: message.ephemeral || undefined });
    if (view) body.view_id = view.id;
    const answer = await post("/api/action", body).catch((err) => ({ ok: false, error: err.message }));
    if (!answer.ok) reportError(errorText(answer));
    else if (answer.ephemeral) {
      addMessage(answer.ephemeral);
      renderMainIfChannel(answer.ephemeral.channel);
    }
  };
  ctx.onEdited = (blockId) => {
    if (!view) return;
    if (S.localErrors[view.id]) delete S.localErrors[view.id][blockId];
    if (view.errors) delete view.errors[blockId];
  };
  const el = renderBlocks(blocks, ctx);
  el.sandboxCtx = ctx;
  return el;
}

// ------------------------------------------------------------------ threads

function openThread(channel, ts) {
  S.thread = { channel, ts };
  renderThread();
}

function renderThread() {
  const pane = $("#thread");
  if (!S.thread) {
    pane.hidden = true;
    pane.replaceChildren();
    return;
  }
  const { channel, ts } = S.thread;
  const parent = messagesOf(channel).find((m) => m.ts === ts);
  const replies = repliesOf(channel, ts);
  const input = h("textarea", { rows: 2, placeholder: "Reply…", id: "thread-input" });
  const send = async () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    const answer = await post("/api/message", { channel, text, thread_ts: ts }).catch((err) => ({ ok: false, error: err.message }));
    if (!answer.ok) reportError(errorText(answer));
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  });
  pane.hidden = false;
  pane.replaceChildren(
    h("div", { class: "thread-head" }, "Thread", h("span", { style: "font-weight:400;font-size:13px;color:#616061;margin-left:8px" }, S.channels.get(channel)?.name || ""), h("button", { title: "Close", onclick: () => { S.thread = null; renderThread(); } }, "×")),
    h(
      "div",
      { class: "thread-body" },
      parent ? messageEl(parent, { inThread: true }) : null,
      h("div", { class: "thread-count" }, `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`),
      replies.map((m) => messageEl(m, { inThread: true })),
    ),
    h("div", { class: "thread-reply" }, input, h("button", { class: "btn btn-primary", onclick: send }, "Send")),
  );
}

// ------------------------------------------------------------------ modals

let shownView = null; // {id, el, ctx}

function renderModal() {
  const root = $("#modal-root");
  const views = S.state?.views || [];
  if (shownView?.ctx) S.viewValues[shownView.id] = collectState(shownView.ctx.fields);
  if (!views.length) {
    root.replaceChildren();
    shownView = null;
    return;
  }
  const view = views[views.length - 1];
  const errors = { ...(view.errors || {}), ...(S.localErrors[view.id] || {}) };
  const problem = h("span", { class: "modal-problem", role: "alert" });
  const blocks = surfaceBlocks(view.blocks, { surface: "modal", view, prior: S.viewValues[view.id], errors });
  const ctx = blocks.sandboxCtx;
  const submit = view.submit
    ? h("button", { class: "btn btn-primary modal-submit", type: "button" }, view.submit.text || "Submit")
    : null;
  const closeLabel = view.close?.text || (view.submit ? "Cancel" : "Close");
  const closeBtn = h("button", { class: "btn modal-close", type: "button" }, closeLabel);
  const modal = h(
    "div",
    { class: "modal", role: "dialog", "aria-modal": "true", "data-view-id": view.id, "data-callback-id": view.callback_id || "", "data-hash": view.hash || "" },
    h(
      "div",
      { class: "modal-head" },
      views.length > 1 ? h("button", { class: "modal-back", title: "Back", type: "button", onclick: () => closeView(view, false) }, "‹") : null,
      h("div", { class: "modal-title", html: escapeHtml(view.title?.text || "") }),
      h("button", { class: "modal-x", title: "Close", type: "button", onclick: () => closeView(view, true) }, "×"),
    ),
    h("div", { class: "modal-body" }, blocks),
    h("div", { class: "modal-foot" }, problem, closeBtn, submit),
  );
  closeBtn.addEventListener("click", () => closeView(view, views.length === 1));
  submit?.addEventListener("click", () => submitView(view, ctx, submit, problem));
  modal.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeView(view, true);
  });
  const overlay = h("div", { class: "modal-overlay" }, modal);
  overlay.addEventListener("mousedown", (e) => {
    if (e.target === overlay) closeMenus();
  });
  root.replaceChildren(overlay);
  shownView = { id: view.id, ctx };
}

async function submitView(view, ctx, button, problem) {
  problem.textContent = "";
  const local = clientErrors(ctx.fields);
  if (Object.keys(local).length) {
    S.localErrors[view.id] = local;
    renderModal();
    return;
  }
  delete S.localErrors[view.id];
  button.classList.add("is-busy");
  button.disabled = true;
  const answer = await post("/api/submit", { view_id: view.id, values: collectState(ctx.fields, true) }).catch((err) => ({ ok: false, error: err.message }));
  button.classList.remove("is-busy");
  button.disabled = false;
  if (!answer.ok) {
    const text = errorText(answer);
    problem.textContent = text;
    window.sandbox.errors.push(text);
    return;
  }
  if (answer.errors && Object.keys(answer.errors).length) {
    const top = S.state.views[S.state.views.length - 1];
    if (top && top.id === view.id) {
      top.errors = answer.errors;
      renderModal();
    }
  }
}

async function closeView(view, all) {
  const answer = await post("/api/close", { view_id: view.id, all: all || undefined }).catch((err) => ({ ok: false, error: err.message }));
  if (answer.ok) {
    // The server answers with the stack left, or pushes it; drop what was closed meanwhile.
    if (answer.views) S.state.views = answer.views;
    else S.state.views = all ? [] : S.state.views.filter((v) => v.id !== view.id);
    delete S.viewValues[view.id];
    renderModal();
  } else {
    reportError(errorText(answer));
  }
}

// ------------------------------------------------------------------ composer and clock

async function sendComposer() {
  const input = $("#composer-input");
  const text = input.value.trim();
  if (!text || S.current?.kind !== "channel") return;
  const channel = S.current.id;
  input.value = "";
  const slash = text.match(/^\/(\S+)\s*([\s\S]*)$/);
  let answer;
  if (slash && slash[1] === "okr") {
    answer = await post("/api/command", { channel, text: slash[2] }).catch((err) => ({ ok: false, error: err.message }));
    if (answer.ok && answer.ephemeral) {
      addMessage({ ...answer.ephemeral, channel: answer.ephemeral.channel || channel, ephemeral: true });
      renderMainIfChannel(channel);
    }
  } else if (slash) {
    (S.local[channel] ||= []).push({ channel, ts: nowTs(), user: "USLACKBOT", ephemeral: true, text: `/${slash[1]} is not a valid command. This sandbox has only \`/okr\`.` });
    renderMain();
    return;
  } else {
    answer = await post("/api/message", { channel, text }).catch((err) => ({ ok: false, error: err.message }));
  }
  if (!answer.ok) reportError(slash ? `/okr failed: ${errorText(answer)}` : errorText(answer));
}

async function jumpClock(body) {
  const buttons = document.querySelectorAll("#clock button");
  buttons.forEach((b) => (b.disabled = true));
  setStatus("running the scheduler…");
  const answer = await post("/api/clock", body).catch((err) => ({ ok: false, error: err.message }));
  buttons.forEach((b) => (b.disabled = false));
  if (answer.ok) {
    if (answer.now) {
      S.state.now = answer.now;
      S.nowSeenAt = Date.now();
    }
    renderClock();
    setStatus("");
    await load();
  } else {
    setStatus("");
    reportError(`The clock could not move: ${answer.error || BOT_DIDNT_RESPOND}`);
  }
}

/** A wall time typed in the viewer's zone -> ISO UTC. */
function zonedToIso(local) {
  const guess = new Date(`${local}:00Z`);
  const shown = new Date(new Intl.DateTimeFormat("en-US", { timeZone: tz(), year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(guess).replace(/(\d+)\/(\d+)\/(\d+), /, "$3-$1-$2T") + ":00Z");
  return new Date(guess.getTime() - (shown.getTime() - guess.getTime())).toISOString();
}

function wire() {
  $("#person").addEventListener("change", async (e) => {
    S.me = e.target.value;
    S.unread = {};
    S.local = {};
    S.thread = null;
    S.current = null;
    shownView = null;
    const url = new URL(location.href);
    url.searchParams.set("user", S.me);
    history.replaceState(null, "", url);
    await load().catch((err) => showBanner(err.message));
    connect();
  });
  $("#nav-home").addEventListener("click", (e) => {
    e.preventDefault();
    openHome();
  });
  $("#composer").addEventListener("submit", (e) => {
    e.preventDefault();
    sendComposer();
  });
  $("#composer-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      sendComposer();
    }
  });
  for (const b of document.querySelectorAll("[data-jump]")) b.addEventListener("click", () => jumpClock({ jump: b.dataset.jump }));
  $("#clock-go").addEventListener("click", () => {
    const v = $("#clock-at").value;
    if (v) jumpClock({ at: zonedToIso(v) });
  });
  window.addEventListener("error", (e) => showBanner(`The page hit an error: ${e.message}`));
  window.addEventListener("unhandledrejection", (e) => showBanner(`The page hit an error: ${e.reason?.message || e.reason}`));
}

async function start() {
  wire();
  try {
    await load();
    connect();
  } catch (err) {
    $("#app").classList.remove("is-loading");
    $("#pane-body").replaceChildren(h("div", { class: "empty error-text" }, `The sandbox could not start the page: ${err.message}. Is \`okr-bot sandbox\` still running?`));
    showBanner(err.message);
  }
}

start();
