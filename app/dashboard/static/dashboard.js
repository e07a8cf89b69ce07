// The dashboard: reads the service's public API and shows it to people, in Vietnamese or
// English. Leaflet (global L) draws the map, Chart.js (global Chart) the charts; both are
// served by the service itself. Nothing here computes a figure: every number on the page is
// one the API answered, formatted for the chosen language.

performance.mark("dashboard-module");
const CONFIG = JSON.parse(document.getElementById("config").textContent);
const API = "/api/v1";
const KEY_STORE = "occupancy-api-key";
const HISTORY_YEARS = 5; // the history chart: quarters of the last five years
const CARD_YEARS = 10; // a zone card: the annual cut-offs of the last ten years
const PARAMS = ["kind", "province", "scope", "period", "as_of"];

// ------------------------------------------------------------------------------- words

const TEXT = {
  vi: {
    title: "Khu, cụm công nghiệp — tổng quan",
    skip: "Bỏ qua, tới nội dung chính",
    langNote: "Đổi ngôn ngữ của trang",
    filters: "Bộ lọc",
    kind: "Loại", kindAll: "Khu và cụm công nghiệp", kindPark: "Khu công nghiệp",
    kindCluster: "Cụm công nghiệp",
    province: "Tỉnh", provinceAll: "Tất cả các tỉnh",
    scope: "Phạm vi", scopeEstablished: "Đã thành lập", scopeOperating: "Đang hoạt động",
    scopeAll: "Tất cả (trừ đã đóng)",
    period: "Kỳ báo cáo (TT14)", periodDate: "Theo ngày…",
    periodH1: "6 tháng đầu năm {y} (14/06/{y})", periodYear: "Năm {y} (14/12/{y})",
    asOf: "Ngày số liệu",
    keyLabel: "Khóa API (chỉ giữ trong phiên làm việc này)", keySubmit: "Xem số liệu",
    keyNeeded: "Cần khóa API để đọc số liệu.",
    figuresOn: "Số liệu ngày",
    headline: "Chỉ tiêu chính", plan: "Đề án",
    map: "Bản đồ các khu, cụm công nghiệp",
    mapHelp: "Màu theo tỷ lệ lấp đầy, kích thước theo diện tích; chọn một điểm (hoặc Tab rồi Enter) để mở thẻ của khu, cụm đó. Bảng số liệu của biểu đồ dưới đây liệt kê cùng các khu, cụm.",
    mapSummary: "Bản đồ {n} khu, cụm có tọa độ; bảng số liệu trong phần “Tỷ lệ lấp đầy theo khu, cụm” có cùng số liệu.",
    byZone: "Tỷ lệ lấp đầy theo khu, cụm",
    history: "Lấp đầy qua thời gian và diện tích hấp thụ thuần",
    clearance: "Tiến độ giải phóng mặt bằng",
    alerts: "Cần chú ý", noAlerts: "Không có cảnh báo nào.",
    table: "Bảng số liệu", close: "Đóng", open: "Mở thẻ",
    footer: "Số liệu từ API công khai của dịch vụ. Tỷ lệ lấp đầy: đất công nghiệp đã cho thuê / đất công nghiệp, theo diện tích.",
    loading: "Đang tải số liệu…", failed: "Không tải được số liệu",
    parkOcc: "Lấp đầy khu công nghiệp", clusterOcc: "Lấp đầy cụm công nghiệp",
    leasedOf: "{leased} / {land} ha đất công nghiệp đã cho thuê",
    zonesCount: "{n} khu, cụm",
    targetLine: "Mục tiêu {target} ({plan}) · đạt {achievement} mục tiêu",
    landIndustry: "Đất dành cho công nghiệp",
    landNote: "Tổng diện tích {n} khu, cụm chưa đóng",
    landTarget: "Mục tiêu {target} ha ({plan}) · đạt {achievement}",
    clearanceCard: "Giải phóng mặt bằng",
    clearedOf: "{cleared} / {required} ha đã giải phóng",
    clearanceCounts: "{completed} hoàn thành · {in_progress} đang thực hiện · {not_started} chưa bắt đầu",
    stalled: "{n} khu, cụm chậm tiến độ (quá {days} ngày không tiến triển): {names}",
    noStalled: "Không có khu, cụm nào chậm tiến độ",
    indicator: "Chỉ tiêu", target: "Mục tiêu", actual: "Thực hiện", achievement: "Đạt",
    projected: "Dự kiến khi kết thúc", onTrack: "Đúng hướng", source: "Nguồn",
    yes: "có", no: "không", computed: "tính từ số liệu", reported: "báo cáo",
    forecast: "Dự báo ({kind}): với tốc độ hấp thụ thuần {pace} ha/năm của {window} tháng qua, tỷ lệ lấp đầy đạt {target} vào ngày {date} (nhanh nhất {high}, chậm nhất {low}); khi đề án kết thúc ({end}) đạt {projected}.",
    forecastReached: "Dự báo ({kind}): đã đạt {target}.",
    forecastNever: "Dự báo ({kind}): với tốc độ hấp thụ thuần {pace} ha/năm của {window} tháng qua, chưa thể đạt {target}.",
    forecastNote: "Dự báo theo đường thẳng là phép chiếu, không phải lời tiên đoán.",
    code: "Mã", name: "Tên", status: "Trạng thái", occupancy: "Tỷ lệ lấp đầy",
    occupancyInclService: "Lấp đầy (gồm đất dịch vụ)",
    industrialLand: "Đất công nghiệp (ha)", leased: "Đã cho thuê (ha)", available: "Còn trống (ha)",
    projects: "Dự án", activeProjects: "Dự án đang thuê đất",
    date: "Ngày", netAbsorption: "Hấp thụ thuần (ha)", all: "Tất cả",
    required: "Cần giải phóng (ha)", cleared: "Đã giải phóng (ha)", rate: "Tỷ lệ",
    lastProgress: "Tiến triển gần nhất", households: "Hộ đã di dời / tổng số",
    compensation: "Bồi thường đã chi (tỷ đồng)", note: "Ghi chú",
    zoneKind: "Loại", provinceName: "Tỉnh", locality: "Địa bàn", totalArea: "Tổng diện tích",
    developer: "Chủ đầu tư hạ tầng", established: "Thành lập",
    clearanceStatus: "Giải phóng mặt bằng",
    overTime: "Lấp đầy qua các kỳ báo cáo năm",
    investor: "Nhà đầu tư", country: "Quốc gia", landUse: "Loại đất", leasedHa: "Diện tích thuê (ha)",
    leaseStart: "Bắt đầu thuê", leaseEnd: "Kết thúc",
    clearanceHistory: "Lịch sử giải phóng mặt bằng", noRecords: "Chưa có bản ghi nào.",
    noProjects: "Chưa có dự án nào.",
    byZoneAlt: "Biểu đồ cột ngang: tỷ lệ lấp đầy của {n} khu, cụm, từ cao xuống thấp; bảng số liệu ở ngay dưới.",
    historyAlt: "Biểu đồ: tỷ lệ lấp đầy theo quý và diện tích hấp thụ thuần mỗi quý, từ {from} đến {to}; bảng số liệu ở ngay dưới.",
    clearanceAlt: "Biểu đồ cột ngang: tỷ lệ giải phóng mặt bằng của {n} khu, cụm; bảng số liệu ở ngay dưới.",
    cardAlt: "Biểu đồ: tỷ lệ lấp đầy của khu, cụm qua các kỳ báo cáo năm; bảng số liệu ở ngay dưới.",
    ha: "ha", bnVnd: "tỷ đồng",
    legendNone: "không có đất công nghiệp",
    json: "JSON", geojson: "GeoJSON", csv: "CSV", xlsx: "XLSX",
    linksSummary: "Tổng hợp", linksPlan: "Báo cáo đề án", linksForecast: "Dự báo",
    linksOccupancy: "Lấp đầy", linksHistory: "Lịch sử", linksClearance: "Giải phóng mặt bằng",
    linksAlerts: "Cảnh báo", linksZone: "Khu, cụm", linksProjects: "Dự án",
    park: "Khu công nghiệp", cluster: "Cụm công nghiệp", parks: "khu công nghiệp", clusters: "cụm công nghiệp",
    industrial: "công nghiệp", service: "dịch vụ",
    planned: "Quy hoạch", under_construction: "Đang xây dựng", operating: "Đang hoạt động",
    suspended: "Tạm dừng", closed: "Đã đóng", registered: "Đã đăng ký", terminated: "Đã chấm dứt",
    not_started: "Chưa bắt đầu", in_progress: "Đang thực hiện", completed: "Hoàn thành",
    stalledTag: "chậm tiến độ",
  },
  en: {
    title: "Industrial parks and clusters at a glance",
    skip: "Skip to the main content",
    langNote: "Change the page's language",
    filters: "Filters",
    kind: "Kind", kindAll: "Parks and clusters", kindPark: "Industrial parks",
    kindCluster: "Industrial clusters",
    province: "Province", provinceAll: "All provinces",
    scope: "Scope", scopeEstablished: "Established", scopeOperating: "Operating",
    scopeAll: "All (not closed)",
    period: "Reporting period (TT14)", periodDate: "By date…",
    periodH1: "First half of {y} (14 June {y})", periodYear: "Year {y} (14 December {y})",
    asOf: "Date",
    keyLabel: "API key (kept for this session only)", keySubmit: "Show the figures",
    keyNeeded: "An API key is needed to read the figures.",
    figuresOn: "Figures as of",
    headline: "Headline figures", plan: "Plan",
    map: "Map of the industrial parks and clusters",
    mapHelp: "Coloured by occupancy, sized by area; choose a zone (or Tab, then Enter) to open its card. The data table of the chart below lists the same zones.",
    mapSummary: "Map of {n} zones with coordinates; the data table under “Occupancy by zone” holds the same figures.",
    byZone: "Occupancy by zone",
    history: "Occupancy over time and net absorption",
    clearance: "Land clearance progress",
    alerts: "Needs attention", noAlerts: "No alerts.",
    table: "Data table", close: "Close", open: "Open card",
    footer: "Figures from the service's public API. Occupancy: leased industrial land / industrial land, area-weighted.",
    loading: "Loading the figures…", failed: "The figures could not be loaded",
    parkOcc: "Industrial park occupancy", clusterOcc: "Industrial cluster occupancy",
    leasedOf: "{leased} of {land} ha of industrial land leased",
    zonesCount: "{n} zones",
    targetLine: "Target {target} ({plan}) · {achievement} of it achieved",
    landIndustry: "Land for industry",
    landNote: "Total area of the {n} zones not closed",
    landTarget: "Target {target} ha ({plan}) · {achievement} achieved",
    clearanceCard: "Land clearance",
    clearedOf: "{cleared} of {required} ha cleared",
    clearanceCounts: "{completed} completed · {in_progress} in progress · {not_started} not started",
    stalled: "{n} stalled (no progress for over {days} days): {names}",
    noStalled: "No stalled zones",
    indicator: "Indicator", target: "Target", actual: "Actual", achievement: "Achievement",
    projected: "Projected at the end", onTrack: "On track", source: "Source",
    yes: "yes", no: "no", computed: "computed", reported: "reported",
    forecast: "Forecast ({kind}): at the net absorption of the last {window} months ({pace} ha a year), occupancy reaches {target} on {date} ({high} at the fastest pace, {low} at the slowest); when the plan ends ({end}) it stands at {projected}.",
    forecastReached: "Forecast ({kind}): {target} already reached.",
    forecastNever: "Forecast ({kind}): at the net absorption of the last {window} months ({pace} ha a year), {target} is not reached.",
    forecastNote: "A linear pace is a projection, not a prediction.",
    code: "Code", name: "Name", status: "Status", occupancy: "Occupancy",
    occupancyInclService: "Occupancy (incl. service land)",
    industrialLand: "Industrial land (ha)", leased: "Leased (ha)", available: "Available (ha)",
    projects: "Projects", activeProjects: "Projects holding land",
    date: "Date", netAbsorption: "Net absorption (ha)", all: "All",
    required: "To clear (ha)", cleared: "Cleared (ha)", rate: "Rate",
    lastProgress: "Last progress", households: "Households relocated / total",
    compensation: "Compensation paid (bn VND)", note: "Note",
    zoneKind: "Kind", provinceName: "Province", locality: "Locality", totalArea: "Total area",
    developer: "Infrastructure developer", established: "Established",
    clearanceStatus: "Land clearance",
    overTime: "Occupancy at the annual cut-offs",
    investor: "Investor", country: "Country", landUse: "Land use", leasedHa: "Leased (ha)",
    leaseStart: "Lease start", leaseEnd: "End",
    clearanceHistory: "Land clearance history", noRecords: "No records yet.",
    noProjects: "No projects yet.",
    byZoneAlt: "Horizontal bar chart: occupancy of {n} zones, highest first; the data table is just below.",
    historyAlt: "Chart: occupancy by quarter and net absorption each quarter, {from} to {to}; the data table is just below.",
    clearanceAlt: "Horizontal bar chart: land clearance rate of {n} zones; the data table is just below.",
    cardAlt: "Chart: the zone's occupancy at the annual cut-offs; the data table is just below.",
    ha: "ha", bnVnd: "bn VND",
    legendNone: "no industrial land",
    json: "JSON", geojson: "GeoJSON", csv: "CSV", xlsx: "XLSX",
    linksSummary: "Summary", linksPlan: "Plan report", linksForecast: "Forecast",
    linksOccupancy: "Occupancy", linksHistory: "History", linksClearance: "Land clearance",
    linksAlerts: "Alerts", linksZone: "Zone", linksProjects: "Projects",
    park: "Industrial park", cluster: "Industrial cluster", parks: "industrial parks", clusters: "industrial clusters",
    industrial: "industrial", service: "service",
    planned: "Planned", under_construction: "Under construction", operating: "Operating",
    suspended: "Suspended", closed: "Closed", registered: "Registered", terminated: "Terminated",
    not_started: "Not started", in_progress: "In progress", completed: "Completed",
    stalledTag: "stalled",
  },
};

// ------------------------------------------------------------------------------- state

const state = {
  lang: "vi",
  params: { kind: "", province: "", scope: "established", period: "", as_of: "" },
  data: null, // the API's answers for the current view
  charts: {},
  map: null,
  markers: null,
  plans: null, // the plans (a promise), asked once
  card: null, // the zone card's answers, while it is open
  loads: 0,
};

const $ = (id) => document.getElementById(id);

// This module runs before the libraries (so the API requests start while they load); they
// have run by DOMContentLoaded.
const librariesReady = new Promise((resolve) => {
  if (typeof L !== "undefined" && typeof Chart !== "undefined") resolve();
  else document.addEventListener("DOMContentLoaded", resolve, { once: true });
});

function t(key, values = {}) {
  const text = TEXT[state.lang][key] ?? TEXT.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// -------------------------------------------------------------------------- formatting

const locale = () => (state.lang === "vi" ? "vi-VN" : "en-US");

function number(value, digits = 2) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

const percent = (rate) => (rate === null || rate === undefined ? "—" : `${number(rate * 100)} %`);
const area = (ha) => number(ha, 2);
const count = (n) => number(n, 0);

function day(iso) {
  if (!iso) return "—";
  if (state.lang === "en") return iso;
  const [year, month, date] = iso.split("-");
  return `${date}/${month}/${year}`;
}

// A value of a plan indicator, by what the indicator measures.
function indicatorValue(indicator, value) {
  if (/_ha$/.test(indicator)) return `${area(value)} ha`;
  if (/(rate|share|growth)$/.test(indicator)) return percent(value);
  return number(value, 0);
}

// "Vietnamese / English" labels (the demo's plan) show the part of the page's language.
function bilingual(label) {
  const parts = (label ?? "").split(" / ");
  return parts.length === 2 ? parts[state.lang === "vi" ? 0 : 1] : label ?? "";
}

// "Khu công nghiệp Bình Phú (trước đây …)" → "KCN Bình Phú": short enough for a chart axis.
function shortName(zone) {
  return zone.name
    .replace(/\s*\(.*\)\s*$/, "")
    .replace(/^Khu công nghiệp\s+/i, "KCN ")
    .replace(/^Cụm công nghiệp\s+/i, "CCN ");
}

// ------------------------------------------------------------------------ colour scale

const CLASSES = [
  { below: 0.2, colour: "#edf8b1" },
  { below: 0.4, colour: "#c7e9b4" },
  { below: 0.6, colour: "#7fcdbb" },
  { below: 0.8, colour: "#2c7fb8" },
  { below: Infinity, colour: "#253494" },
];
const NO_LAND = "#b8bec6";

function colour(rate) {
  if (rate === null || rate === undefined) return NO_LAND;
  return CLASSES.find((c) => rate < c.below).colour;
}

const CLEARANCE_COLOURS = {
  completed: "#1e7a3c", in_progress: "#e0a100", stalled: "#b3261e", not_started: "#9aa3ad",
};

// ---------------------------------------------------------------------------- the API

class Problem extends Error {
  constructor(status, body) {
    super(body?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.title = body?.title ?? `HTTP ${status}`;
  }
}

function authHeaders() {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function get(path) {
  const response = await fetch(path, { headers: { Accept: "application/json", ...authHeaders() } });
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw new Problem(response.status, body);
  }
  return response.json();
}

function query(values) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== "" && value !== null && value !== undefined) search.set(name, value);
  }
  return search.toString();
}

// The report date as the user chose it: a TT14 period or a date.
const dateParams = () => (state.params.period ? { period: state.params.period } : { as_of: state.params.as_of });
const selection = () => ({ scope: state.params.scope, kind: state.params.kind, province: state.params.province });

function url(path, values) {
  const search = query(values);
  return search ? `${API}${path}?${search}` : `${API}${path}`;
}

// ------------------------------------------------------------------------- the periods

// The latest TT14 cut-off on or before a day: 14 December (YYYY) or 14 June (YYYY-H1).
function latestCutoff(iso) {
  const year = Number(iso.slice(0, 4));
  if (iso >= `${year}-12-14`) return `${year}`;
  if (iso >= `${year}-06-14`) return `${year}-H1`;
  return `${year - 1}`;
}

function recentPeriods(latest, count_) {
  const periods = [];
  let [year, half] = latest.endsWith("-H1") ? [Number(latest.slice(0, 4)), true] : [Number(latest), false];
  while (periods.length < count_) {
    periods.push(half ? `${year}-H1` : `${year}`);
    if (half) { year -= 1; half = false; } else { half = true; }
  }
  return periods;
}

function periodLabel(period) {
  const year = period.slice(0, 4);
  return t(period.endsWith("-H1") ? "periodH1" : "periodYear", { y: year });
}

// ------------------------------------------------------------------------------ the URL

function readLocation() {
  const search = new URLSearchParams(location.search);
  state.lang = search.get("lang") === "en" ? "en" : "vi";
  for (const name of PARAMS) {
    if (search.has(name)) state.params[name] = search.get(name);
  }
  if (!state.params.period && !state.params.as_of) state.params.period = latestCutoff(CONFIG.today);
}

function writeLocation() {
  const values = { ...state.params, lang: state.lang === "en" ? "en" : "" };
  if (values.scope === "established") values.scope = "";
  const search = query(values);
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

// ------------------------------------------------------------------------------ loading

async function load() {
  const ticket = ++state.loads;
  document.body.dataset.state = "loading";
  showStatus(t("loading"));
  if (!CONFIG.public_read && !sessionStorage.getItem(KEY_STORE)) {
    askForKey(t("keyNeeded"));
    return;
  }
  try {
    const data = await fetchAll();
    await librariesReady;
    if (ticket !== state.loads) return; // a newer choice is loading
    state.data = data;
    render();
    showStatus("");
    document.body.dataset.state = "rendered";
    performance.mark("dashboard-rendered");
    // The alerts come last: they are the dearest answer, and the figures need not wait.
    const alerts = await get(url("/alerts", { ...dateParams(), ...selection() }));
    if (ticket !== state.loads) return;
    data.alerts = alerts;
    renderAlerts(alerts);
    document.body.dataset.state = "ready";
    performance.mark("dashboard-ready");
  } catch (error) {
    if (ticket !== state.loads) return;
    if (error instanceof Problem && error.status === 401) {
      sessionStorage.removeItem(KEY_STORE);
      askForKey(error.message);
      return;
    }
    state.data = null;
    clearViews();
    showStatus(`${t("failed")}: ${error.title ?? ""} — ${error.message}`, true);
    document.body.dataset.state = "error";
  }
}

// The TT14 cut-off a period names: YYYY-H1 is 14 June, YYYY is 14 December; null for
// anything else (the API then says what is wrong with it).
function periodDate(period) {
  const match = /^([0-9]{4})(-H1)?$/.exec(period);
  if (!match) return null;
  return `${match[1]}-${match[2] ? "06" : "12"}-14`;
}

async function settle(requests) {
  const answers = await Promise.allSettled(requests);
  const failed = answers.find((answer) => answer.status === "rejected");
  if (failed) throw failed.reason; // the first in the order asked, so the message is stable
  return answers.map((answer) => answer.value);
}

async function fetchAll() {
  const date = dateParams();
  const sel = selection();
  const report = get(url("/reports/occupancy", { ...date, ...sel }));
  // The other requests need the date itself; when it cannot be read here, the report's
  // answer gives it (or the API's refusal says what is wrong with it).
  const chosen = state.params.period ? periodDate(state.params.period) : state.params.as_of;
  const asOf = chosen || (await report).as_of;
  state.plans ??= get(url("/plans", { limit: 100 })).catch((error) => {
    state.plans = null;
    throw error;
  });
  const kinds = sel.kind ? [sel.kind] : ["park", "cluster"];
  const planned = state.plans.then(async (plans) => {
    const plan = plans.items.find((p) => p.starts_on <= asOf && asOf <= p.ends_on) ?? null;
    const target = (kind) => plan?.targets.find((x) => x.indicator === `${kind}_occupancy_rate`)?.target ?? 0.8;
    const [planReport, ...forecasts] = await settle([
      plan ? get(url(`/plans/${plan.id}/report`, { as_of: asOf })) : null,
      ...kinds.map((kind) => get(url("/reports/forecast", { as_of: asOf, ...sel, kind, target: target(kind) }))),
    ]);
    return { plan, planReport, forecasts };
  });
  const historyFrom = `${Number(asOf.slice(0, 4)) - HISTORY_YEARS}-01-01`;
  const [occupancy, features, clearance, land, history, provinces, planned_] = await settle([
    report,
    get(url("/reports/occupancy", { ...date, ...sel, format: "geojson" })),
    get(url("/reports/clearance", { ...date, ...sel })),
    // Land for industry: the area of every zone not closed, whatever the scope chosen.
    get(url("/reports/occupancy", { ...date, kind: sel.kind, province: sel.province, scope: "all" })),
    get(url("/reports/occupancy/history", { from: historyFrom, to: asOf, interval: "quarter", ...sel })),
    get(url("/provinces", { as_of: asOf })),
    planned,
  ]);
  return { asOf: occupancy.as_of, occupancy, features, clearance, land, history, provinces, kinds, ...planned_ };
}

function showStatus(message, error = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

function askForKey(message) {
  state.data = null;
  clearViews();
  showStatus(message, true);
  $("auth").hidden = false;
  document.body.dataset.state = "auth";
  $("key").focus();
}

// ---------------------------------------------------------------------------- rendering

function applyText() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  const other = state.lang === "vi" ? "en" : "vi";
  $("lang").textContent = other === "en" ? "English" : "Tiếng Việt";
  $("lang").lang = other;
}

function renderFilters() {
  for (const name of ["kind", "scope"]) $(name).value = state.params[name];
  const periods = $("period");
  const latest = latestCutoff(CONFIG.today);
  const wanted = recentPeriods(latest, 20);
  if (state.params.period && !wanted.includes(state.params.period)) wanted.unshift(state.params.period);
  periods.replaceChildren(
    element("option", { value: "", text: t("periodDate") }),
    ...wanted.map((p) => element("option", { value: p, text: periodLabel(p) })),
  );
  periods.value = state.params.period;
  const input = $("as-of");
  input.value = state.params.period ? state.data?.asOf ?? "" : state.params.as_of;
  const names = (state.data?.provinces.items ?? []).map((p) => p.name);
  if (state.params.province && !names.includes(state.params.province)) names.push(state.params.province);
  $("province").replaceChildren(
    element("option", { value: "", text: t("provinceAll") }),
    ...names.map((name) => element("option", { value: name, text: name })),
  );
  $("province").value = state.params.province;
}

function render() {
  applyText();
  renderFilters();
  const data = state.data;
  if (!data) return;
  $("auth").hidden = true;
  $("as-of-label").textContent = day(data.asOf);
  const scopeKey = { established: "scopeEstablished", operating: "scopeOperating", all: "scopeAll" }[state.params.scope];
  const kindKey = { "": "kindAll", park: "kindPark", cluster: "kindCluster" }[state.params.kind] ?? "kindAll";
  $("selection-label").textContent = `· ${t(kindKey)} · ${scopeKey ? t(scopeKey) : state.params.scope}${state.params.province ? ` · ${state.params.province}` : ""}`;
  renderCards(data);
  renderPlan(data);
  renderMap(data.features);
  renderByZone(data.occupancy);
  renderHistory(data.history);
  renderClearance(data.clearance);
  if (data.alerts) renderAlerts(data.alerts);
  renderLinks(data);
}

function clearViews() {
  $("cards").replaceChildren();
  $("plan-section").hidden = true;
  for (const chart of Object.values(state.charts)) chart.destroy();
  state.charts = {};
  state.markers?.clearLayers();
  for (const id of ["zones-table", "history-table", "clearance-table"]) $(id).replaceChildren();
  $("alerts").replaceChildren();
  for (const links of document.querySelectorAll("[data-links]")) links.replaceChildren();
  $("as-of-label").textContent = "";
  $("selection-label").textContent = "";
}

function card(testId, title, figure, ...lines) {
  return element(
    "article",
    { class: "card", "data-card": testId },
    element("h3", { text: title }),
    element("p", { class: "figure", "data-figure": testId, text: figure }),
    ...lines.filter(Boolean).map(([name, text, cls]) => element("p", { "data-figure": name, class: cls, text })),
  );
}

function planRow(data, indicator) {
  return data.planReport?.rows.find((row) => row.indicator === indicator) ?? null;
}

function renderCards(data) {
  const totals = data.occupancy.totals;
  const cards = [];
  for (const kind of data.kinds) {
    const total = totals[kind];
    const row = planRow(data, `${kind}_occupancy_rate`);
    cards.push(
      card(
        `${kind}-occupancy`,
        t(kind === "park" ? "parkOcc" : "clusterOcc"),
        percent(total.occupancy_rate),
        [`${kind}-leased`, t("leasedOf", { leased: area(total.leased_industrial_ha), land: area(total.industrial_land_ha) })],
        [`${kind}-zones`, t("zonesCount", { n: count(total.zones) }), "muted"],
        row && [`${kind}-target`, t("targetLine", { target: percent(row.target), plan: data.plan.code, achievement: percent(row.achievement) })],
      ),
    );
  }
  const land = data.land.totals.all;
  const landRow = planRow(data, "industrial_area_ha");
  cards.push(
    card(
      "land",
      t("landIndustry"),
      `${area(land.total_area_ha)} ha`,
      ["land-zones", t("landNote", { n: count(land.zones) }), "muted"],
      landRow && ["land-target", t("landTarget", { target: area(landRow.target), plan: data.plan.code, achievement: percent(landRow.achievement) })],
    ),
  );
  const cleared = data.clearance.totals;
  const stalled = data.clearance.zones.filter((zone) => zone.stalled);
  cards.push(
    card(
      "clearance",
      t("clearanceCard"),
      percent(cleared.clearance_rate),
      ["clearance-area", t("clearedOf", { cleared: area(cleared.cleared_ha), required: area(cleared.required_ha) })],
      ["clearance-counts", t("clearanceCounts", { completed: count(cleared.completed), in_progress: count(cleared.in_progress), not_started: count(cleared.not_started) }), "muted"],
      [
        "clearance-stalled",
        stalled.length
          ? t("stalled", { n: count(cleared.stalled), days: count(data.clearance.stall_days), names: stalled.map(shortName).join(", ") })
          : t("noStalled"),
        stalled.length ? "warn" : "good",
      ],
    ),
  );
  $("cards").replaceChildren(...cards);
}

function renderPlan(data) {
  const section = $("plan-section");
  section.hidden = !data.planReport;
  if (!data.planReport) return;
  $("plan-code").textContent = data.plan.code;
  $("plan-name").textContent = `${data.plan.title} (${day(data.plan.starts_on)} – ${day(data.plan.ends_on)})`;
  const head = element("tr", {}, ...["indicator", "target", "actual", "achievement", "projected", "onTrack", "source"].map((k, i) => element("th", { scope: "col", class: i ? "num" : null, text: t(k) })));
  const rows = data.planReport.rows.map((row) =>
    element(
      "tr",
      { "data-indicator": row.indicator },
      element("th", { scope: "row", text: bilingual(row.label) }),
      element("td", { class: "num", text: indicatorValue(row.indicator, row.target) }),
      element("td", { class: "num", "data-value": "actual", text: row.actual === null ? "—" : indicatorValue(row.indicator, row.actual) }),
      element("td", { class: "num", "data-value": "achievement", text: percent(row.achievement) }),
      element("td", { class: "num", text: row.projected === null ? "—" : percent(row.projected) }),
      element("td", { class: row.on_track === false ? "num warn" : "num", text: row.on_track === null ? "—" : t(row.on_track ? "yes" : "no") }),
      element("td", { class: "num", text: t(row.source) }),
    ),
  );
  $("plan-table").replaceChildren(element("thead", {}, head), element("tbody", {}, ...rows));
  const lines = data.forecasts.map((forecast, i) => forecastLine(data, forecast, data.kinds[i]));
  $("forecast").replaceChildren(...lines.flatMap((line) => [element("span", { "data-forecast": line.kind, text: line.text }), element("br")]), element("span", { class: "muted", text: t("forecastNote") }));
}

function forecastLine(data, forecast, kind) {
  const total = forecast.totals[kind];
  const values = {
    kind: t(kind === "park" ? "parks" : "clusters"),
    target: percent(forecast.target),
    window: count(forecast.window),
    pace: area(total.absorption_ha_per_year),
    date: day(total.reaches_target_on),
    high: day(total.reaches_target_on_high),
    low: day(total.reaches_target_on_low),
    end: day(forecast.plan?.ends_on ?? data.plan?.ends_on),
    projected: percent(total.projected_occupancy_rate),
  };
  let key = "forecast";
  if (total.target_reached) key = "forecastReached";
  else if (!total.reaches_target_on) key = "forecastNever";
  return { kind, text: t(key, values) };
}

// ---------------------------------------------------------------------------------- map

function markerSize(totalArea) {
  return Math.round(Math.min(44, Math.max(12, 6 + 1.2 * Math.sqrt(totalArea ?? 0))));
}

function zoneLabel(zone) {
  return `${zone.name} (${zone.code}): ${t("occupancy").toLowerCase()} ${percent(zone.occupancy_rate)}, ${area(zone.total_area_ha)} ha`;
}

function renderMap(collection) {
  if (!state.map) {
    state.map = L.map("map", { attributionControl: Boolean(CONFIG.tiles), zoomSnap: 0.25 });
    if (CONFIG.tiles) {
      state.map.attributionControl.setPrefix(false);
      const attribution = element("span", { text: CONFIG.attribution }).innerHTML; // as text
      L.tileLayer(CONFIG.tiles, { attribution, maxZoom: 18 }).addTo(state.map);
    }
    L.control.scale({ imperial: false }).addTo(state.map);
    state.markers = L.layerGroup().addTo(state.map);
  }
  state.markers.clearLayers();
  // The larger zones first: the order Tab walks them in.
  const features = [...collection.features].sort((a, b) => (b.properties.total_area_ha ?? 0) - (a.properties.total_area_ha ?? 0));
  const points = features.map((feature) => [feature.geometry.coordinates[1], feature.geometry.coordinates[0]]);
  // The map needs its view before markers are drawn (Leaflet adds layers once it has one).
  if (points.length) state.map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
  else state.map.setView([16, 106], 5);
  for (const feature of features) {
    const zone = feature.properties;
    const [lng, lat] = feature.geometry.coordinates;
    const size = markerSize(zone.total_area_ha);
    const label = zoneLabel(zone);
    const icon = L.divIcon({ className: "zone-dot", iconSize: [size, size], html: "" });
    // Smaller zones above larger ones (Leaflet stacks by latitude plus this offset).
    const marker = L.marker([lat, lng], { icon, keyboard: true, title: label, riseOnHover: true, zIndexOffset: (50 - size) * 1000 });
    marker.on("click", () => openCard(zone.id));
    marker.addTo(state.markers);
    const node = marker.getElement();
    node.style.background = colour(zone.occupancy_rate);
    node.dataset.zoneId = zone.id;
    node.setAttribute("aria-label", label);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        openCard(zone.id);
      }
    });
  }
  $("map-summary").textContent = t("mapSummary", { n: count(points.length) });
  const legend = CLASSES.map((c, i) => {
    const low = i === 0 ? 0 : CLASSES[i - 1].below;
    const text = c.below === Infinity ? `≥ ${number(low * 100, 0)} %` : `${number(low * 100, 0)}–${number(c.below * 100, 0)} %`;
    return legendItem(c.colour, text);
  });
  $("legend").replaceChildren(...legend, legendItem(NO_LAND, t("legendNone")));
}

function legendItem(background, text) {
  const swatch = element("i");
  swatch.style.background = background;
  return element("span", {}, swatch, text);
}

// ------------------------------------------------------------------------------- charts

const axisPercent = (value) => `${number(value * 100, 0)} %`;

function chart(id, config) {
  state.charts[id]?.destroy();
  const canvas = $(id);
  state.charts[id] = new Chart(canvas, {
    ...config,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: locale(),
      ...config.options,
    },
  });
  return state.charts[id];
}

function table(id, columns, rows) {
  const head = element("tr", {}, ...columns.map((c) => element("th", { scope: "col", class: c.num ? "num" : null, text: c.title })));
  const body = rows.map((row) =>
    element("tr", {}, ...columns.map((c, i) => {
      const content = c.value(row);
      const attributes = { class: c.num ? "num" : null, scope: i === 0 ? "row" : null };
      return element(i === 0 ? "th" : "td", attributes, content);
    })),
  );
  $(id).replaceChildren(element("thead", {}, head), element("tbody", {}, ...body));
}

function cardButton(zone) {
  return element("button", { type: "button", class: "link", "data-open-zone": zone.id, text: zone.name, onclick: () => openCard(zone.id) });
}

function renderByZone(report) {
  const zones = [...report.zones].sort((a, b) => (b.occupancy_rate ?? -1) - (a.occupancy_rate ?? -1));
  $("by-zone-chart").setAttribute("aria-label", t("byZoneAlt", { n: count(zones.length) }));
  chart("by-zone-chart", {
    type: "bar",
    data: {
      labels: zones.map(shortName),
      datasets: [{ label: t("occupancy"), data: zones.map((z) => z.occupancy_rate), backgroundColor: zones.map((z) => colour(z.occupancy_rate)), borderColor: "#12324f55", borderWidth: 1 }],
    },
    options: {
      indexAxis: "y",
      scales: { x: { min: 0, max: 1, ticks: { callback: axisPercent } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => ` ${percent(item.raw)}` } } },
    },
  });
  table("zones-table", [
    { title: t("code"), value: (z) => z.code },
    { title: t("name"), value: (z) => cardButton(z) },
    { title: t("status"), value: (z) => t(z.status) },
    { title: t("occupancy"), num: true, value: (z) => percent(z.occupancy_rate) },
    { title: t("industrialLand"), num: true, value: (z) => area(z.industrial_land_ha) },
    { title: t("leased"), num: true, value: (z) => area(z.leased_industrial_ha) },
    { title: t("available"), num: true, value: (z) => area(z.available_ha) },
    { title: t("activeProjects"), num: true, value: (z) => count(z.active_projects) },
  ], zones);
}

function renderHistory(history) {
  const points = history.points;
  const kinds = state.params.kind ? [state.params.kind] : ["park", "cluster", "all"];
  const colours = { park: "#2c7fb8", cluster: "#e07b00", all: "#12324f" };
  const names = { park: t("park"), cluster: t("cluster"), all: t("all") };
  $("history-chart").setAttribute("aria-label", t("historyAlt", { from: day(points[0]?.as_of), to: day(history.to) }));
  chart("history-chart", {
    data: {
      labels: points.map((p) => day(p.as_of)),
      datasets: [
        ...kinds.map((kind) => ({ type: "line", label: `${t("occupancy")}: ${names[kind]}`, data: points.map((p) => p[kind].occupancy_rate), borderColor: colours[kind], backgroundColor: colours[kind], yAxisID: "rate", pointRadius: 2, spanGaps: true })),
        { type: "bar", label: t("netAbsorption"), data: points.map((p) => p[kinds.at(-1)].net_absorption_ha), backgroundColor: "#9ec3e680", yAxisID: "ha" },
      ],
    },
    options: {
      scales: {
        rate: { position: "left", min: 0, max: 1, ticks: { callback: axisPercent } },
        ha: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: t("netAbsorption") } },
      },
      plugins: { tooltip: { callbacks: { label: (item) => ` ${item.dataset.yAxisID === "rate" ? percent(item.raw) : `${area(item.raw)} ha`}` } } },
    },
  });
  table("history-table", [
    { title: t("date"), value: (p) => day(p.as_of) },
    ...kinds.map((kind) => ({ title: `${t("occupancy")}: ${names[kind]}`, num: true, value: (p) => percent(p[kind].occupancy_rate) })),
    { title: t("netAbsorption"), num: true, value: (p) => (p[kinds.at(-1)].net_absorption_ha === null ? "—" : area(p[kinds.at(-1)].net_absorption_ha)) },
  ], points);
}

function clearanceState(zone) {
  return zone.stalled ? "stalled" : zone.status;
}

function renderClearance(report) {
  const zones = [...report.zones].sort((a, b) => (b.clearance_rate ?? -1) - (a.clearance_rate ?? -1));
  $("clearance-chart").setAttribute("aria-label", t("clearanceAlt", { n: count(zones.length) }));
  chart("clearance-chart", {
    type: "bar",
    data: {
      labels: zones.map(shortName),
      datasets: [{ label: t("rate"), data: zones.map((z) => z.clearance_rate), backgroundColor: zones.map((z) => CLEARANCE_COLOURS[clearanceState(z)]) }],
    },
    options: {
      indexAxis: "y",
      scales: { x: { min: 0, max: 1, ticks: { callback: axisPercent } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => ` ${percent(item.raw)} · ${t(clearanceState(zones[item.dataIndex]) === "stalled" ? "stalledTag" : zones[item.dataIndex].status)}` } },
      },
    },
  });
  table("clearance-table", [
    { title: t("code"), value: (z) => z.code },
    { title: t("name"), value: (z) => cardButton(z) },
    { title: t("status"), value: (z) => (z.stalled ? `${t(z.status)} (${t("stalledTag")})` : t(z.status)) },
    { title: t("rate"), num: true, value: (z) => percent(z.clearance_rate) },
    { title: t("cleared"), num: true, value: (z) => area(z.cleared_ha) },
    { title: t("required"), num: true, value: (z) => area(z.required_ha) },
    { title: t("lastProgress"), value: (z) => day(z.last_progress_on) },
  ], zones);
}

function renderAlerts(report) {
  const items = report.alerts.map((alert) =>
    element(
      "li",
      { "data-alert": alert.kind },
      state.lang === "vi" ? alert.message_vi : alert.message_en,
      alert.zone ? " " : null,
      alert.zone ? element("button", { type: "button", class: "link", text: `(${t("open")})`, onclick: () => openCard(alert.zone.id) }) : null,
    ),
  );
  $("alerts").replaceChildren(...(items.length ? items : [element("li", { text: t("noAlerts") })]));
}

// ------------------------------------------------------------------------------- links

function downloads(title, path, values, formats) {
  return [
    element("span", { text: `${title}: ` }),
    ...formats.map((format) =>
      element("a", { href: url(path, { ...values, format }), "data-download": "", text: t(format) }),
    ),
  ];
}


function renderLinks(data) {
  const date = dateParams();
  const sel = selection();
  const put = (name, ...groups) => {
    for (const node of document.querySelectorAll(`[data-links="${name}"]`)) node.replaceChildren(...groups.flat());
  };
  put("summary", downloads(t("linksSummary"), "/reports/summary", { ...date, ...sel }, ["csv", "xlsx"]));
  put("map", downloads(t("linksOccupancy"), "/reports/occupancy", { ...date, ...sel }, ["geojson", "csv", "xlsx"]));
  put("occupancy", downloads(t("linksOccupancy"), "/reports/occupancy", { ...date, ...sel }, ["csv", "xlsx"]));
  put("history", downloads(t("linksHistory"), "/reports/occupancy/history", { from: data.history.from, to: data.history.to, interval: data.history.interval, ...sel }, ["csv", "xlsx"]));
  put("clearance", downloads(t("linksClearance"), "/reports/clearance", { ...date, ...sel }, ["csv", "xlsx"]));
  put("alerts", downloads(t("linksAlerts"), "/alerts", { ...date, ...sel }, ["csv", "xlsx"]));
  if (data.plan) {
    const forecastKind = state.params.kind || "park";
    const target = planRow(data, `${forecastKind}_occupancy_rate`)?.target;
    put(
      "plan",
      downloads(t("linksPlan"), `/plans/${data.plan.id}/report`, date, ["csv", "xlsx"]),
      [element("span", { text: " · " })],
      downloads(t("linksForecast"), "/reports/forecast", { ...date, ...sel, kind: forecastKind, target }, ["csv", "xlsx"]),
    );
  }
}

// Downloads with an API key: a plain link cannot send the Authorization header, so fetch the
// file and hand it to the browser.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-download]");
  if (!link || !sessionStorage.getItem(KEY_STORE)) return;
  event.preventDefault();
  const response = await fetch(link.href, { headers: authHeaders() });
  if (!response.ok) {
    showStatus(`${t("failed")}: HTTP ${response.status}`, true);
    return;
  }
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "download";
  const blob = URL.createObjectURL(await response.blob());
  const save = element("a", { href: blob, download: name });
  save.click();
  URL.revokeObjectURL(blob);
});

// --------------------------------------------------------------------------- zone card

function cardDates(asOf, firstDay) {
  const year = Number(asOf.slice(0, 4));
  const dates = [];
  for (let y = year - CARD_YEARS; y < year; y += 1) dates.push(`${y}-12-14`);
  dates.push(asOf);
  return dates.filter((d) => d <= asOf && (!firstDay || d >= firstDay));
}

async function openCard(zoneId) {
  const asOf = state.data?.asOf;
  if (!asOf) return;
  const dialog = $("card");
  try {
    const [zone, revisions, projects, records] = await Promise.all([
      get(url(`/zones/${zoneId}`, { as_of: asOf })),
      get(url(`/zones/${zoneId}/history`, {})),
      get(url("/projects", { zone_id: zoneId, limit: 500 })),
      get(url(`/zones/${zoneId}/clearance`, { limit: 500 })),
    ]);
    const firstDay = revisions.items[0]?.effective_from ?? null;
    const dates = cardDates(asOf, firstDay);
    const points = await Promise.all(dates.map((d) => get(url(`/zones/${zoneId}/occupancy`, { as_of: d }))));
    state.card = { zone, projects: projects.items, records: records.items, points };
    renderCard();
    if (!dialog.open) dialog.showModal();
    dialog.dataset.zoneId = zoneId;
    dialog.dataset.state = "ready";
  } catch (error) {
    showStatus(`${t("failed")}: ${error.title ?? ""} — ${error.message}`, true);
  }
}

function fact(name, label, value) {
  return element("div", { "data-fact": name }, element("dt", { text: label }), element("dd", { text: value }));
}

function renderCard() {
  const { zone, projects, records, points } = state.card;
  $("card-title").textContent = `${zone.name} (${zone.code})`;
  const clearance = zone.clearance;
  const facts = element(
    "dl",
    { class: "facts" },
    fact("kind", t("zoneKind"), t(zone.kind)),
    fact("status", t("status"), t(zone.status)),
    fact("province", t("provinceName"), zone.province),
    fact("locality", t("locality"), zone.locality ?? "—"),
    fact("established", t("established"), day(zone.established_on)),
    fact("developer", t("developer"), zone.developer ?? "—"),
    fact("total-area", t("totalArea"), `${area(zone.total_area_ha)} ha`),
    fact("industrial-land", t("industrialLand"), area(zone.industrial_land_ha)),
    fact("leased", t("leased"), area(zone.leased_industrial_ha)),
    fact("available", t("available"), area(zone.available_ha)),
    fact("occupancy", t("occupancy"), percent(zone.occupancy_rate)),
    fact("occupancy-incl-service", t("occupancyInclService"), percent(zone.occupancy_rate_incl_service)),
    fact("active-projects", t("activeProjects"), count(zone.active_projects)),
    fact("clearance", t("clearanceStatus"), `${percent(clearance.clearance_rate)} · ${t(clearance.status)}${clearance.stalled ? ` (${t("stalledTag")})` : ""}`),
  );
  const canvas = element("canvas", { id: "card-chart", role: "img", "aria-label": t("cardAlt") });
  const body = $("card-body");
  state.charts["card-chart"]?.destroy();
  delete state.charts["card-chart"];
  body.replaceChildren(
    facts,
    element("h3", { text: t("overTime") }),
    element("div", { class: "chart" }, canvas),
    element("details", {}, element("summary", { text: t("table") }), element("div", { class: "scroll" }, element("table", { id: "card-points" }))),
    element("h3", { text: `${t("projects")} (${count(projects.length)})` }),
    element("div", { class: "scroll" }, element("table", { id: "card-projects" })),
    element("h3", { text: t("clearanceHistory") }),
    element("div", { class: "scroll" }, element("table", { id: "card-clearance" })),
    element(
      "p",
      { class: "links" },
      ...downloads(t("linksZone"), `/zones/${zone.id}`, { as_of: state.data.asOf }, ["json"]),
      ...downloads(t("linksProjects"), "/projects", { zone_id: zone.id }, ["csv", "xlsx"]),
      ...downloads(t("clearanceHistory"), `/zones/${zone.id}/clearance`, {}, ["csv", "xlsx"]),
    ),
  );
  chart("card-chart", {
    type: "line",
    data: { labels: points.map((p) => day(p.as_of)), datasets: [{ label: t("occupancy"), data: points.map((p) => p.occupancy_rate), borderColor: "#2c7fb8", backgroundColor: "#2c7fb8" }] },
    options: { scales: { y: { min: 0, max: 1, ticks: { callback: axisPercent } } }, plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => ` ${percent(item.raw)}` } } } },
  });
  table("card-points", [
    { title: t("date"), value: (p) => day(p.as_of) },
    { title: t("occupancy"), num: true, value: (p) => percent(p.occupancy_rate) },
    { title: t("leased"), num: true, value: (p) => area(p.leased_industrial_ha) },
    { title: t("industrialLand"), num: true, value: (p) => area(p.industrial_land_ha) },
  ], points);
  if (projects.length) {
    table("card-projects", [
      { title: t("name"), value: (p) => p.name },
      { title: t("investor"), value: (p) => p.investor },
      { title: t("country"), value: (p) => p.investor_country },
      { title: t("landUse"), value: (p) => t(p.land_use) },
      { title: t("leasedHa"), num: true, value: (p) => area(p.leased_ha) },
      { title: t("leaseStart"), value: (p) => day(p.lease_start) },
      { title: t("leaseEnd"), value: (p) => day(p.terminated_on ?? p.lease_end) },
      { title: t("status"), value: (p) => t(p.status) },
    ], projects);
  } else $("card-projects").replaceChildren(element("caption", { text: t("noProjects") }));
  if (records.length) {
    table("card-clearance", [
      { title: t("date"), value: (r) => day(r.recorded_on) },
      { title: t("cleared"), num: true, value: (r) => area(r.cleared_ha) },
      { title: t("households"), num: true, value: (r) => `${r.households_relocated === null ? "—" : count(r.households_relocated)} / ${r.households_total === null ? "—" : count(r.households_total)}` },
      { title: t("compensation"), num: true, value: (r) => (r.compensation_paid_vnd === null ? "—" : number(r.compensation_paid_vnd / 1e9, 1)) },
      { title: t("note"), value: (r) => r.note ?? "" },
    ], records);
  } else $("card-clearance").replaceChildren(element("caption", { text: t("noRecords") }));
}

// ------------------------------------------------------------------------------ wiring

function onFilterChange(event) {
  const { name, value } = event.target;
  state.params[name] = value;
  if (name === "period" && value) state.params.as_of = "";
  if (name === "period" && !value) state.params.as_of = state.data?.asOf ?? CONFIG.today;
  if (name === "as_of") state.params.period = "";
  writeLocation();
  load();
}

function start() {
  readLocation();
  applyText();
  renderFilters();
  $("filters").addEventListener("change", onFilterChange);
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "vi" ? "en" : "vi";
    writeLocation();
    if (state.data) render();
    else applyText();
    if (state.card && $("card").open) renderCard();
  });
  $("auth").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORE, $("key").value.trim());
    $("key").value = "";
    load();
  });
  $("card-close").addEventListener("click", () => $("card").close());
  $("card").addEventListener("close", () => {
    state.charts["card-chart"]?.destroy();
    delete state.charts["card-chart"];
    state.card = null;
    delete $("card").dataset.state;
  });
  load();
}

start();
