// Block Kit -> DOM, close enough to Slack's client to judge a design. Every interactive
// element reports through ctx.onAction(action) with the fields of a block_actions action;
// stateful elements register in ctx.fields so a view's state.values can be read back.
//
// ctx = {surface: "message"|"modal"|"home", people: Map, channels: Map, tz, now: Date,
//        onAction(action) -> Promise, onOptions({action_id, block_id, value}) -> Promise,
//        fields: [], prior: {block_id: {action_id: value}}, errors: {block_id: text}}
import { renderDataVisualization } from "./chart.js";
import { emojiChar, escapeHtml, formatSlackDate, plainToHtml, textToHtml } from "./mrkdwn.js";

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "html") el.innerHTML = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const text = (obj, ctx, cls = "") => h("span", { class: `bk-text ${cls}`, html: textToHtml(obj, ctx) });
const plain = (obj) => (typeof obj === "string" ? obj : obj?.text ?? "");

let autoId = 0;
const makeId = (prefix) => `${prefix}${(++autoId).toString(36)}`;

/** Render a list of blocks. */
export function renderBlocks(blocks, ctx) {
  const box = h("div", { class: "bk-blocks" });
  (blocks || []).forEach((block, index) => {
    const blockId = block.block_id || `auto_${index}`;
    let el;
    try {
      el = renderBlock({ ...block, block_id: blockId }, ctx);
    } catch (err) {
      el = h("div", { class: "bk-unsupported" }, `This ${block.type} block could not be shown: ${err.message}`);
    }
    el.dataset.blockId = blockId;
    el.dataset.blockType = block.type;
    box.append(el);
  });
  return box;
}

function renderBlock(block, ctx) {
  switch (block.type) {
    case "header":
      return h("div", { class: "bk-header", html: plainToHtml(block.text) });
    case "section":
      return section(block, ctx);
    case "context":
      return h(
        "div",
        { class: "bk-context" },
        (block.elements || []).map((e) =>
          e.type === "image" ? h("img", { class: "bk-context-img", src: e.image_url, alt: e.alt_text, onerror: brokenImage }) : text(e, ctx),
        ),
      );
    case "divider":
      return h("hr", { class: "bk-divider" });
    case "actions":
      return h("div", { class: "bk-actions" }, (block.elements || []).map((e) => element(e, block, ctx, { dispatch: true })));
    case "image":
      return h(
        "figure",
        { class: "bk-image" },
        block.title ? h("figcaption", { html: plainToHtml(block.title) }) : null,
        h("img", { src: block.image_url || block.slack_file?.url, alt: block.alt_text, onerror: brokenImage }),
      );
    case "input":
      return input(block, ctx);
    case "rich_text":
      return richText(block, ctx);
    case "data_visualization":
      return renderDataVisualization(block);
    case "data_table":
    case "table":
      return table(block, ctx);
    case "markdown":
      return h("div", { class: "bk-section", html: escapeHtml(block.text).replace(/\n/g, "<br>") });
    case "file":
      return h("div", { class: "bk-file" }, `📄 file ${block.external_id || ""}`);
    case "video":
      return h("div", { class: "bk-file" }, `▶ ${plain(block.title)}`);
    default:
      return h("div", { class: "bk-unsupported" }, `Unsupported block: ${block.type}`);
  }
}

function brokenImage(event) {
  const img = event.target;
  const alt = h("span", { class: "bk-image-missing" }, `🖼 ${img.alt || "image"}`);
  img.replaceWith(alt);
}

function section(block, ctx) {
  const body = h("div", { class: "bk-section-body" });
  if (block.text) body.append(h("div", { class: "bk-section-text" }, text(block.text, ctx)));
  if (block.fields?.length) {
    body.append(h("div", { class: "bk-fields" }, block.fields.map((f) => h("div", { class: "bk-field" }, text(f, ctx)))));
  }
  const el = h("div", { class: "bk-section" }, body);
  if (block.accessory) {
    const acc = block.accessory.type === "image"
      ? h("img", { class: "bk-accessory-img", src: block.accessory.image_url, alt: block.accessory.alt_text, onerror: brokenImage })
      : element(block.accessory, block, ctx, { dispatch: true });
    el.append(h("div", { class: "bk-accessory" }, acc));
  }
  return el;
}

function input(block, ctx) {
  const error = ctx.errors?.[block.block_id];
  const label = h(
    "label",
    { class: "bk-input-label" },
    h("span", { html: plainToHtml(block.label) }),
    block.optional ? h("span", { class: "bk-optional" }, " (optional)") : null,
  );
  const inner = element(block.element, block, ctx, { dispatch: !!block.dispatch_action, input: true, optional: !!block.optional });
  const el = h(
    "div",
    { class: `bk-input${error ? " has-error" : ""}` },
    label,
    inner,
    block.hint ? h("div", { class: "bk-hint", html: plainToHtml(block.hint) }) : null,
    h("div", { class: "bk-error", role: "alert" }, error || ""),
  );
  // Like Slack, a field's error goes once the person changes the field.
  const clear = () => {
    if (!el.classList.contains("has-error")) return;
    el.classList.remove("has-error");
    el.querySelector(".bk-error").textContent = "";
    ctx.onEdited?.(block.block_id);
  };
  el.addEventListener("input", clear);
  el.addEventListener("change", clear);
  return el;
}

// ---------------------------------------------------------------- elements

function baseAction(el, block) {
  return { type: el.type, action_id: el.action_id, block_id: block.block_id };
}

/** The value to start from: what was typed before a re-render, else the element's initial. */
function prior(ctx, block, el) {
  return ctx.prior?.[block.block_id]?.[el.action_id];
}

function register(ctx, block, el, node, read, opts) {
  ctx.fields?.push({ block_id: block.block_id, action_id: el.action_id, input: !!opts.input, optional: !!opts.optional, el, node, read });
  node.dataset.actionId = el.action_id;
  node.dataset.blockId = block.block_id;
}

function element(el, block, ctx, opts = {}) {
  el = { ...el, action_id: el.action_id || makeId("act_") };
  switch (el.type) {
    case "button":
      return button(el, block, ctx);
    case "overflow":
      return overflow(el, block, ctx);
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      return textInput(el, block, ctx, opts);
    case "datepicker":
    case "timepicker":
    case "datetimepicker":
      return picker(el, block, ctx, opts);
    case "radio_buttons":
    case "checkboxes":
      return choices(el, block, ctx, opts);
    case "static_select":
    case "external_select":
    case "users_select":
    case "conversations_select":
    case "channels_select":
    case "multi_static_select":
    case "multi_external_select":
    case "multi_users_select":
    case "multi_conversations_select":
    case "multi_channels_select":
      return selectMenu(el, block, ctx, opts);
    case "image":
      return h("img", { class: "bk-accessory-img", src: el.image_url, alt: el.alt_text, onerror: brokenImage });
    default:
      return h("span", { class: "bk-unsupported" }, `Unsupported element: ${el.type}`);
  }
}

/** A confirm dialog (Slack's `confirm` object); resolves true when confirmed. */
export function confirmDialog(confirm, ctx) {
  return new Promise((resolve) => {
    const done = (answer) => {
      overlay.remove();
      resolve(answer);
    };
    const overlay = h(
      "div",
      { class: "confirm-overlay" },
      h(
        "div",
        { class: "confirm-dialog", role: "dialog" },
        h("h3", { html: plainToHtml(confirm.title || "Are you sure?") }),
        h("div", { class: "confirm-text" }, text(confirm.text, ctx)),
        h(
          "div",
          { class: "confirm-buttons" },
          h("button", { class: "btn", onclick: () => done(false) }, plain(confirm.deny) || "Cancel"),
          h("button", { class: `btn ${confirm.style === "danger" ? "btn-danger" : "btn-primary"} confirm-yes`, onclick: () => done(true) }, plain(confirm.confirm) || "Yes"),
        ),
      ),
    );
    document.body.append(overlay);
  });
}

async function fire(ctx, el, action, node) {
  if (el.confirm && !(await confirmDialog(el.confirm, ctx))) return;
  // Like Slack, show the wait only when the bot is slow (and spare a restyle when it is not).
  const busy = setTimeout(() => node?.classList.add("is-busy"), 300);
  try {
    await ctx.onAction?.(action);
  } finally {
    clearTimeout(busy);
    node?.classList.remove("is-busy");
  }
}

function button(el, block, ctx) {
  const cls = `btn bk-button${el.style === "primary" ? " btn-primary" : ""}${el.style === "danger" ? " btn-danger" : ""}`;
  const node = h("button", { class: cls, type: "button", html: plainToHtml(el.text) });
  node.dataset.actionId = el.action_id;
  node.dataset.blockId = block.block_id;
  if (el.value !== undefined) node.dataset.value = el.value;
  node.addEventListener("click", () => {
    if (el.url) window.open(el.url, "_blank", "noopener");
    fire(ctx, el, { ...baseAction(el, block), text: el.text, value: el.value, style: el.style }, node);
  });
  return node;
}

function popupMenu(anchor, options, onPick) {
  closeMenus();
  const menu = h(
    "div",
    { class: "bk-menu" },
    options.map((o) =>
      h("div", { class: "bk-option", "data-value": o.value, onclick: (e) => { e.stopPropagation(); closeMenus(); onPick(o); } }, h("span", { html: plainToHtml(o.text) })),
    ),
  );
  anchor.append(menu);
  setTimeout(() => document.addEventListener("click", closeMenus, { once: true }), 0);
  return menu;
}

export function closeMenus() {
  for (const m of document.querySelectorAll(".bk-menu")) m.remove();
}

function overflow(el, block, ctx) {
  const wrap = h("span", { class: "bk-overflow" });
  const trigger = h("button", { class: "btn bk-overflow-button", type: "button", title: "More actions" }, "⋮");
  wrap.append(trigger);
  wrap.dataset.actionId = el.action_id;
  wrap.dataset.blockId = block.block_id;
  trigger.addEventListener("click", (e) => {
    e.stopPropagation();
    popupMenu(wrap, el.options || [], (o) => {
      if (o.url) window.open(o.url, "_blank", "noopener");
      fire(ctx, el, { ...baseAction(el, block), selected_option: o }, wrap);
    });
  });
  return wrap;
}

function textInput(el, block, ctx, opts) {
  const isNumber = el.type === "number_input";
  const multiline = !!el.multiline;
  const start = prior(ctx, block, el)?.value ?? el.initial_value ?? "";
  const node = h(multiline ? "textarea" : "input", {
    class: "bk-text-input",
    type: multiline ? undefined : el.type === "email_text_input" ? "email" : el.type === "url_text_input" ? "url" : "text",
    inputmode: isNumber ? (el.is_decimal_allowed ? "decimal" : "numeric") : undefined,
    placeholder: plain(el.placeholder),
    maxlength: el.max_length,
    rows: multiline ? 4 : undefined,
  });
  node.value = String(start);
  if (el.focus_on_load) setTimeout(() => node.focus(), 0);
  register(ctx, block, el, node, () => ({ type: el.type, value: node.value === "" ? null : node.value }), opts);
  const triggers = el.dispatch_action_config?.trigger_actions_on || ["on_enter_pressed"];
  if (opts.dispatch) {
    node.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !(multiline && e.shiftKey) && triggers.includes("on_enter_pressed")) {
        e.preventDefault();
        fire(ctx, el, { ...baseAction(el, block), value: node.value }, node);
      }
    });
    if (triggers.includes("on_character_entered")) {
      let timer;
      node.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => fire(ctx, el, { ...baseAction(el, block), value: node.value }, null), 300);
      });
    }
  }
  node.validate = () => {
    const v = node.value.trim();
    if (!v) return null;
    if (el.min_length && v.length < el.min_length) return `Enter at least ${el.min_length} characters.`;
    if (isNumber) {
      const n = Number(v.replace(/,/g, ""));
      if (Number.isNaN(n) || (!el.is_decimal_allowed && !Number.isInteger(n))) return "Enter a valid number.";
      if (el.min_value !== undefined && n < Number(el.min_value)) return `Enter a number of at least ${el.min_value}.`;
      if (el.max_value !== undefined && n > Number(el.max_value)) return `Enter a number no more than ${el.max_value}.`;
    }
    return null;
  };
  return node;
}

function picker(el, block, ctx, opts) {
  const key = { datepicker: "selected_date", timepicker: "selected_time", datetimepicker: "selected_date_time" }[el.type];
  const initial = { datepicker: el.initial_date, timepicker: el.initial_time, datetimepicker: el.initial_date_time }[el.type];
  const kind = { datepicker: "date", timepicker: "time", datetimepicker: "datetime-local" }[el.type];
  const node = h("input", { class: "bk-picker", type: kind, placeholder: plain(el.placeholder) });
  let start = prior(ctx, block, el)?.[key] ?? initial ?? "";
  if (el.type === "datetimepicker" && typeof start === "number") {
    start = new Date(start * 1000).toISOString().slice(0, 16);
  }
  node.value = start || "";
  const read = () => {
    if (!node.value) return { type: el.type, [key]: null };
    if (el.type === "datetimepicker") return { type: el.type, [key]: Math.floor(new Date(node.value).getTime() / 1000) };
    return { type: el.type, [key]: node.value };
  };
  register(ctx, block, el, node, read, opts);
  if (opts.dispatch) node.addEventListener("change", () => fire(ctx, el, { ...baseAction(el, block), ...read() }, node));
  return node;
}

function choices(el, block, ctx, opts) {
  const radio = el.type === "radio_buttons";
  const name = makeId("choice_");
  const before = prior(ctx, block, el);
  const chosen = new Set(
    (radio ? [before?.selected_option ?? el.initial_option] : before?.selected_options ?? el.initial_options ?? [])
      .filter(Boolean)
      .map((o) => o.value),
  );
  const boxes = [];
  const node = h(
    "div",
    { class: `bk-choices ${radio ? "bk-radio" : "bk-checkboxes"}` },
    (el.options || []).map((o) => {
      const box = h("input", { type: radio ? "radio" : "checkbox", name, value: o.value });
      box.checked = chosen.has(o.value);
      boxes.push([box, o]);
      return h(
        "label",
        { class: "bk-choice" },
        box,
        h("span", { class: "bk-choice-text" }, text(o.text, ctx), o.description ? h("span", { class: "bk-choice-description" }, text(o.description, ctx)) : null),
      );
    }),
  );
  const read = () => {
    const picked = boxes.filter(([b]) => b.checked).map(([, o]) => o);
    return radio ? { type: el.type, selected_option: picked[0] ?? null } : { type: el.type, selected_options: picked };
  };
  register(ctx, block, el, node, read, opts);
  if (opts.dispatch) node.addEventListener("change", () => fire(ctx, el, { ...baseAction(el, block), ...read() }, node));
  return node;
}

// ---------------------------------------------------------------- select menus

const SELECT_KIND = {
  static_select: ["static", false, "selected_option", "initial_option"],
  external_select: ["external", false, "selected_option", "initial_option"],
  users_select: ["users", false, "selected_user", "initial_user"],
  conversations_select: ["conversations", false, "selected_conversation", "initial_conversation"],
  channels_select: ["channels", false, "selected_channel", "initial_channel"],
  multi_static_select: ["static", true, "selected_options", "initial_options"],
  multi_external_select: ["external", true, "selected_options", "initial_options"],
  multi_users_select: ["users", true, "selected_users", "initial_users"],
  multi_conversations_select: ["conversations", true, "selected_conversations", "initial_conversations"],
  multi_channels_select: ["channels", true, "selected_channels", "initial_channels"],
};

function staticChoices(el) {
  if (el.option_groups) return el.option_groups.map((g) => ({ label: plain(g.label), options: g.options || [] }));
  return [{ label: null, options: el.options || [] }];
}

function idChoices(kind, ctx) {
  if (kind === "users") {
    return [{ label: null, options: [...(ctx.people?.values() || [])].map((p) => ({ text: { type: "plain_text", text: p.real_name || p.name }, value: p.id })) }];
  }
  const chans = [...(ctx.channels?.values() || [])]
    .filter((c) => kind === "conversations" || !c.is_im)
    .map((c) => ({ text: { type: "plain_text", text: c.is_im ? c.name : `#${c.name}` }, value: c.id }));
  return [{ label: null, options: chans }];
}

function selectMenu(el, block, ctx, opts) {
  const [kind, multi, key, initialKey] = SELECT_KIND[el.type];
  const isIds = kind === "users" || kind === "conversations" || kind === "channels";
  const before = prior(ctx, block, el);
  let picked = before ? before[key] : el[initialKey];
  // Selected items are kept as option objects; id selects keep ids and show names.
  const toOption = (v) => {
    if (!isIds) return v;
    const all = idChoices(kind, ctx)[0].options;
    return all.find((o) => o.value === v) || { text: { type: "plain_text", text: v }, value: v };
  };
  let selected = (multi ? picked || [] : picked ? [picked] : []).map(toOption);
  const node = h("div", { class: `bk-select${multi ? " is-multi" : ""}`, tabindex: -1 });
  const field = h("div", { class: "bk-select-field" });
  const search = h("input", { class: "bk-select-search", type: "text", placeholder: plain(el.placeholder) || "Select…", autocomplete: "off" });
  node.append(field);
  const read = () => {
    const ids = selected.map((o) => (isIds ? o.value : o));
    return { type: el.type, [key]: multi ? ids : ids[0] ?? null };
  };
  const changed = () => {
    draw();
    node.dispatchEvent(new Event("change", { bubbles: true }));
    if (opts.dispatch) fire(ctx, el, { ...baseAction(el, block), ...read() }, node);
  };
  const pick = (o) => {
    if (multi) {
      if (!selected.some((s) => s.value === o.value)) selected = [...selected, o];
      if (el.max_selected_items && selected.length > el.max_selected_items) selected = selected.slice(-el.max_selected_items);
    } else {
      selected = [o];
    }
    search.value = "";
    closeMenus();
    changed();
  };
  let timer;
  let asked = 0;
  const showMenu = async () => {
    closeMenus();
    const query = search.value;
    let groups;
    if (kind === "external") {
      const min = el.min_query_length ?? 3;
      if (query.length < min) {
        groups = [];
      } else {
        const mine = ++asked;
        const answer = await ctx.onOptions?.({ action_id: el.action_id, block_id: block.block_id, value: query });
        if (mine !== asked) return;
        groups = answer?.option_groups
          ? answer.option_groups.map((g) => ({ label: plain(g.label), options: g.options || [] }))
          : [{ label: null, options: answer?.options || [] }];
      }
    } else {
      const q = query.toLowerCase();
      groups = (isIds ? idChoices(kind, ctx) : staticChoices(el)).map((g) => ({
        label: g.label,
        options: g.options.filter((o) => plain(o.text).toLowerCase().includes(q)),
      }));
    }
    const menu = h("div", { class: "bk-menu", onclick: (e) => e.stopPropagation() });
    let count = 0;
    for (const g of groups) {
      if (!g.options.length) continue;
      if (g.label) menu.append(h("div", { class: "bk-option-group" }, g.label));
      for (const o of g.options) {
        count++;
        const isOn = selected.some((s) => s.value === o.value);
        menu.append(
          h(
            "div",
            { class: `bk-option${isOn ? " is-selected" : ""}`, "data-value": o.value, onmousedown: (e) => e.preventDefault(), onclick: () => pick(o) },
            h("span", { html: plainToHtml(o.text) }),
            o.description ? h("span", { class: "bk-option-description", html: plainToHtml(o.description) }) : null,
          ),
        );
      }
    }
    if (!count) {
      const min = el.min_query_length ?? 3;
      const hint = kind === "external" && query.length < min ? `Type at least ${min} characters to search` : "No matches";
      menu.append(h("div", { class: "bk-option-empty" }, hint));
    }
    node.append(menu);
    setTimeout(() => document.addEventListener("click", closeMenus, { once: true }), 0);
  };
  search.addEventListener("focus", showMenu);
  search.addEventListener("click", (e) => {
    e.stopPropagation();
    showMenu();
  });
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(showMenu, kind === "external" ? 150 : 0);
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const first = node.querySelector(".bk-menu .bk-option");
      first?.click();
    } else if (e.key === "Backspace" && multi && !search.value && selected.length) {
      selected = selected.slice(0, -1);
      changed();
    }
  });
  function draw() {
    field.replaceChildren();
    if (multi) {
      for (const o of selected) {
        field.append(
          h("span", { class: "bk-chip", "data-value": o.value }, h("span", { html: plainToHtml(o.text) }), h("button", { type: "button", class: "bk-chip-x", title: "Remove", onclick: (e) => { e.stopPropagation(); selected = selected.filter((s) => s.value !== o.value); changed(); } }, "×")),
        );
      }
      field.append(search);
      search.placeholder = selected.length ? "" : plain(el.placeholder) || "Select…";
    } else {
      const current = selected[0];
      field.append(search);
      search.placeholder = current ? "" : plain(el.placeholder) || "Select…";
      if (current) field.prepend(h("span", { class: "bk-select-value", html: plainToHtml(current.text), onclick: () => search.focus() }));
      node.classList.toggle("has-value", !!current);
    }
    field.append(h("span", { class: "bk-caret" }, "▾"));
  }
  draw();
  register(ctx, block, el, node, read, opts);
  node.validate = () => null;
  return node;
}

// ---------------------------------------------------------------- rich text and tables

function richInline(els, ctx) {
  return (els || [])
    .map((e) => {
      let html;
      switch (e.type) {
        case "text":
          html = escapeHtml(e.text).replace(/\n/g, "<br>");
          break;
        case "link":
          html = `<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener">${escapeHtml(e.text || e.url)}</a>`;
          break;
        case "emoji":
          html = e.unicode
            ? String.fromCodePoint(...e.unicode.split("-").map((x) => parseInt(x, 16)))
            : emojiChar(e.name) || `:${escapeHtml(e.name)}:`;
          break;
        case "user": {
          const p = ctx.people?.get(e.user_id);
          html = `<span class="mention">@${escapeHtml(p ? p.real_name || p.name : e.user_id)}</span>`;
          break;
        }
        case "channel": {
          const c = ctx.channels?.get(e.channel_id);
          html = `<span class="mention channel">#${escapeHtml(c ? c.name : e.channel_id)}</span>`;
          break;
        }
        case "usergroup":
          html = `<span class="mention">@${escapeHtml(e.usergroup_id)}</span>`;
          break;
        case "broadcast":
          html = `<span class="mention">@${escapeHtml(e.range)}</span>`;
          break;
        case "date":
          html = escapeHtml(formatSlackDate(e.timestamp, e.format || "{date}", ctx.tz, ctx.now) ?? e.fallback ?? "");
          break;
        case "color":
          html = `<span class="color-swatch" style="background:${escapeHtml(e.value)}"></span>${escapeHtml(e.value)}`;
          break;
        default:
          html = escapeHtml(e.text || "");
      }
      const s = e.style || {};
      if (s.code) html = `<code>${html}</code>`;
      if (s.bold) html = `<b>${html}</b>`;
      if (s.italic) html = `<i>${html}</i>`;
      if (s.strike) html = `<s>${html}</s>`;
      return html;
    })
    .join("");
}

function richText(block, ctx) {
  const box = h("div", { class: "bk-rich-text" });
  for (const part of block.elements || []) {
    if (part.type === "rich_text_section") {
      box.append(h("div", { class: "rt-section", html: richInline(part.elements, ctx) }));
    } else if (part.type === "rich_text_list") {
      const list = h(part.style === "ordered" ? "ol" : "ul", { class: "rt-list", style: `margin-left:${(part.indent || 0) * 20}px` });
      for (const item of part.elements || []) list.append(h("li", { html: richInline(item.elements, ctx) }));
      box.append(list);
    } else if (part.type === "rich_text_preformatted") {
      box.append(h("pre", { class: "code-block", html: richInline(part.elements, ctx) }));
    } else if (part.type === "rich_text_quote") {
      box.append(h("blockquote", { html: richInline(part.elements, ctx) }));
    }
  }
  return box;
}

function cell(c, ctx) {
  if (c === null || c === undefined) return "";
  if (typeof c !== "object") return escapeHtml(String(c));
  if (c.type === "rich_text") return richText(c, ctx).innerHTML;
  if (c.type === "raw_number") return escapeHtml(c.text ?? String(c.number ?? c.value ?? ""));
  return escapeHtml(c.text ?? String(c.value ?? ""));
}

function table(block, ctx) {
  const rows = block.rows || [];
  const pageSize = block.page_size || (block.type === "data_table" ? 5 : rows.length);
  const [head, ...body] = rows;
  let page = 0;
  const wrap = h("div", { class: "bk-table-wrap" });
  const draw = () => {
    const shown = block.type === "data_table" ? body.slice(page * pageSize, (page + 1) * pageSize) : body;
    const t = h(
      "table",
      { class: "bk-table" },
      block.caption ? h("caption", {}, block.caption) : null,
      head ? h("thead", {}, h("tr", {}, head.map((c) => h("th", { html: cell(c, ctx) })))) : null,
      h("tbody", {}, shown.map((r) => h("tr", {}, r.map((c) => h("td", { class: c?.type === "raw_number" ? "num" : "", html: cell(c, ctx) }))))),
    );
    wrap.replaceChildren(t);
    const pages = Math.ceil(body.length / pageSize);
    if (block.type === "data_table" && pages > 1) {
      wrap.append(
        h(
          "div",
          { class: "bk-table-pager" },
          h("button", { class: "btn", type: "button", disabled: page === 0, onclick: () => { page--; draw(); } }, "‹"),
          ` ${page + 1} / ${pages} `,
          h("button", { class: "btn", type: "button", disabled: page >= pages - 1, onclick: () => { page++; draw(); } }, "›"),
        ),
      );
    }
  };
  draw();
  return wrap;
}

/** state.values of the registered fields (only input blocks' when `inputsOnly`). */
export function collectState(fields, inputsOnly = false) {
  const values = {};
  for (const f of fields) {
    if (inputsOnly && !f.input) continue;
    (values[f.block_id] ||= {})[f.action_id] = f.read();
  }
  return values;
}

/** Checks Slack's client makes before a submit; {block_id: message}. */
export function clientErrors(fields) {
  const errors = {};
  for (const f of fields) {
    if (!f.input) continue;
    const v = f.read();
    const empty = Object.entries(v).every(([k, x]) => k === "type" || x === null || x === "" || (Array.isArray(x) && !x.length));
    if (empty && !f.optional) errors[f.block_id] = "Please complete this required field.";
    else if (!empty && f.node.validate) {
      const msg = f.node.validate();
      if (msg) errors[f.block_id] = msg;
    }
  }
  return errors;
}

export { h };
