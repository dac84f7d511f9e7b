// The live viewer: the latest image large, recent thumbnails, latest lists and counters, kept up to date by
// Server-Sent Events from /received/events (EventSource reconnects by itself after a restart).
'use strict';

const MAX_THUMBNAILS = 24;
const MAX_LISTS = 10;
// A browser opens at most 6 connections to a server (HTTP/1.1), and an MJPEG <img> or an EventSource holds one for
// good: the two event streams (/received/events, /events/live) take 2, one stays free for everything else (JSON,
// stills, snapshots), which leaves 3 for MJPEG: the live tiles, and the replay while one plays
const MAX_MJPEG = 3;
const $ = (id) => document.getElementById(id);

let selectedId = null; // a clicked thumbnail; null follows the latest image

function describe(image) {
  const time = new Date(image.receivedAt).toLocaleTimeString();
  return `#${image.id} from ${image.sender} · ${image.width}×${image.height} ${image.format} · `
      + `${image.bytes.toLocaleString()} bytes in ${image.datagrams} datagrams (${image.transport}) · ${time}`;
}

/** The bytes as received where browsers render them; a PNG rendering of the rest (BMP, TIFF, WBMP). */
function source(image) {
  return ['jpeg', 'png', 'gif', 'webp'].includes(image.format)
    ? `/received/images/${image.id}/original` : `/received/images/${image.id}.png`;
}

function show(image) {
  const large = $('large');
  large.src = source(image);
  large.alt = `Image ${image.id}`;
  large.dataset.id = image.id;
  $('large-caption').textContent = describe(image);
  for (const button of document.querySelectorAll('#thumbnails button')) {
    button.setAttribute('aria-pressed', String(Number(button.dataset.id) === selectedId));
  }
}

function addThumbnail(image) {
  const strip = $('thumbnails');
  if (strip.querySelector(`button[data-id="${image.id}"]`)) {
    return; // already shown (history and events can overlap)
  }
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.id = image.id;
  button.title = describe(image);
  button.setAttribute('aria-pressed', 'false');
  const img = document.createElement('img');
  img.src = source(image);
  img.alt = `Image ${image.id}`;
  img.loading = 'lazy';
  button.append(img);
  button.addEventListener('click', () => {
    selectedId = selectedId === image.id ? null : image.id; // a second click follows the latest again
    show(selectedId === null ? latestImage : image);
  });
  item.append(button);
  // newest first, by id, whatever order history and events arrive in
  const before = [...strip.children].find((li) => Number(li.firstChild.dataset.id) < image.id);
  strip.insertBefore(item, before || null);
  while (strip.children.length > MAX_THUMBNAILS) {
    strip.lastElementChild.remove();
  }
}

let latestImage = null;

function imageArrived(image) {
  addThumbnail(image);
  if (!latestImage || image.id > latestImage.id) {
    latestImage = image;
    if (selectedId === null) {
      show(image);
    }
  }
}

function addList(list) {
  const lists = $('lists');
  if (lists.querySelector(`li[data-id="${list.id}"]`)) {
    return;
  }
  const item = document.createElement('li');
  item.dataset.id = list.id;
  item.textContent = `${JSON.stringify(list.value)}  ← ${list.sender}`;
  const before = [...lists.children].find((li) => Number(li.dataset.id) < list.id);
  lists.insertBefore(item, before || null);
  while (lists.children.length > MAX_LISTS) {
    lists.lastElementChild.remove();
  }
}

// who is looking (GET /me): a viewer has no send form, only an admin reads the counters (/received/stats); both
// stay hidden until the service has said (asked again every 2 s until it answers)
let me = { maySend: false, mayAdminister: false };

async function whoAmI() {
  try {
    const response = await fetch('/me');
    if (!response.ok) { throw new Error(`status ${response.status}`); }
    me = await response.json();
  } catch (e) {
    setTimeout(whoAmI, 2000); // the service is restarting
    return;
  }
  $('send-section').hidden = !me.maySend;
  $('counters-section').hidden = !me.mayAdminister;
  document.body.dataset.role = me.role || '';
  refreshCounters();
}

async function refreshCounters() {
  if (!me.mayAdminister) {
    return;
  }
  try {
    const stats = await (await fetch('/received/stats')).json();
    const rows = [
      ['images kept', stats.imagesKept], ['lists kept', stats.listsKept],
      ['image datagrams', stats.ports.image.datagrams], ['images completed', stats.ports.image.completed],
      ['pending transfers', stats.ports.image.pendingTransfers], ['list datagrams', stats.ports.list.datagrams],
      ['lists completed', stats.ports.list.completed],
    ];
    for (const port of ['image', 'list']) {
      for (const [reason, count] of Object.entries(stats.ports[port].failed)) {
        rows.push([`${port}: ${reason}`, count]);
      }
      if (stats.ports[port].socketDrops) { // datagrams the kernel dropped: the socket buffer overflowed
        rows.push([`${port}: socket drops`, stats.ports[port].socketDrops]);
      }
    }
    const counters = $('counters');
    counters.replaceChildren(...rows.flatMap(([name, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = Number(value ?? 0).toLocaleString();
      dd.dataset.name = name;
      return [dt, dd];
    }));
  } catch (e) {
    // the service is restarting; the next event or tick tries again
  }
}

let countersPending = false;
function refreshCountersSoon() { // at most a few times a second, however fast events come
  if (!countersPending) {
    countersPending = true;
    setTimeout(() => { countersPending = false; refreshCounters(); }, 250);
  }
}

async function loadHistory() {
  const [images, lists] = await Promise.all([
    fetch('/received/images').then((r) => r.json()),
    fetch('/received/lists').then((r) => r.json()),
  ]);
  // merged with what events brought meanwhile: this answer may be older than the last event
  images.slice(0, MAX_THUMBNAILS).forEach(imageArrived);
  lists.slice(0, MAX_LISTS).forEach(addList);
  refreshCounters();
}

function connect() {
  const status = $('connection');
  const events = new EventSource('/received/events');
  events.onopen = () => {
    status.dataset.state = 'live';
    status.textContent = 'live';
    loadHistory(); // catch up on anything received while disconnected
  };
  events.onerror = () => {
    status.dataset.state = 'reconnecting';
    status.textContent = 'reconnecting…';
  };
  events.addEventListener('image', (e) => { imageArrived(JSON.parse(e.data)); refreshCountersSoon(); });
  events.addEventListener('list', (e) => { addList(JSON.parse(e.data)); refreshCountersSoon(); });
}

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = $('send-result');
  const params = new URLSearchParams({ host: $('send-host').value, mode: $('send-mode').value });
  if ($('send-port').value) {
    params.set('port', $('send-port').value);
  }
  const body = new FormData();
  body.append('file', $('send-file').files[0]);
  result.className = '';
  result.textContent = 'sending…';
  try {
    const response = await fetch(`/send/image?${params}`, { method: 'POST', body });
    const json = await response.json();
    result.className = response.ok ? 'result' : 'problem';
    result.textContent = response.ok
      ? `${json.reply} — ${json.bytes.toLocaleString()} bytes in ${json.datagrams} datagrams to ${json.target}, `
        + `${json.elapsedMs} ms`
      : `${json.status} ${json.title}: ${json.detail}`;
  } catch (e) {
    result.className = 'problem';
    result.textContent = `request failed: ${e}`;
  }
});

// ---- cameras: a tile per sender, its MJPEG stream in an <img>, greyed when it stops, gone when forgotten

function liveSlots() {
  return MAX_MJPEG - (rec.playing ? 1 : 0);
}

/** Shows the live tiles beyond the first n as stills at once: frees their connections for a replay. */
function keepLiveWithin(n) {
  const live = [...document.querySelectorAll('#stream-tiles li[data-live="true"]')];
  for (const tile of live.slice(n)) {
    showStill(tile);
  }
}

/**
 * A tile's latest frame as a still. A live tile gets a new <img>: Chrome keeps an MJPEG image's connection open
 * when only its src changes, and a page has six connections to the service in all.
 */
function showStill(tile) {
  const url = `/received/stream.jpg?sender=${encodeURIComponent(tile.dataset.sender)}&at=${Date.now()}`;
  const img = tile.querySelector('img');
  if (tile.dataset.live === 'true') {
    replaceImage(img, url);
  } else {
    img.src = url;
  }
  tile.dataset.live = 'false';
}

/** A new <img> in place of one that plays an MJPEG stream, showing `url`; the stream is ended. */
function replaceImage(img, url) {
  const fresh = document.createElement('img');
  fresh.alt = img.alt;
  if (img.id) { fresh.id = img.id; }
  fresh.className = img.className;
  if (url) { fresh.src = url; }
  stopImage(img);
  img.replaceWith(fresh);
  return fresh;
}

/** Ends what an <img> loads, an MJPEG stream too (see showStill). */
function stopImage(img) {
  img.removeAttribute('src');
  img.src = 'data:,';
}

/** The recording's frame shows `url` (none: nothing); a replay it played is ended first (see showStill). */
function showRecFrame(url) {
  const img = $('rec-frame');
  if ((img.getAttribute('src') || '').includes('/replay.mjpeg')) {
    replaceImage(img, url);
  } else if (url) {
    img.src = url;
  } else {
    img.removeAttribute('src');
  }
}

/**
 * A camera silent for udp.streams.offline-after is offline: said on its tile, with since when, and to a screen
 * reader when it changes (from the streams' poll or the live events, whichever comes first).
 */
function setPresence(tile, online, lastFrameAt) {
  const was = tile.dataset.online;
  tile.dataset.online = String(online);
  tile.classList.toggle('offline', !online);
  let badge = tile.querySelector('.presence');
  if (!online) {
    if (!badge) {
      badge = document.createElement('span');
      badge.className = 'presence';
      tile.querySelector('.frame').append(badge);
    }
    badge.textContent = `offline since ${formatTime(lastFrameAt)}`;
  } else if (badge) {
    badge.remove();
  }
  if (was !== undefined && was !== String(online)) {
    announce(online ? `Camera ${tile.dataset.sender} is online again`
      : `Camera ${tile.dataset.sender} is offline since ${formatTime(lastFrameAt)}`);
  }
}

/** A time as this page shows it: the time of day, with the date when it is not today. */
function formatTime(at) {
  const date = new Date(at);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}

/** Says something to screen readers (a polite live region), without moving focus. */
function announce(text) {
  $('announce').textContent = text;
}

function describeStream(stream) {
  if (!stream.active) { // its rates are nought: what it was is what matters
    return `${stream.sender} · ${stream.width}×${stream.height}`;
  }
  const kbits = Math.round(stream.bytesPerSecond * 8 / 1000);
  return `${stream.sender} · ${stream.fps.toFixed(1)} fps · ${stream.width}×${stream.height} · `
      + `${kbits.toLocaleString()} kbit/s`;
}

async function refreshStreams() {
  let streams;
  try {
    streams = await (await fetch('/received/streams')).json();
  } catch (e) {
    return; // restarting
  }
  const tiles = $('stream-tiles');
  $('cameras').hidden = streams.length === 0;
  const seen = new Set();
  for (const [index, stream] of streams.entries()) {
    seen.add(stream.sender);
    let tile = tiles.querySelector(`li[data-sender="${CSS.escape(stream.sender)}"]`);
    if (!tile) {
      tile = document.createElement('li');
      tile.dataset.sender = stream.sender;
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('aria-pressed', 'false');
      const img = document.createElement('img');
      img.alt = `Live stream from ${stream.sender}`;
      const frame = document.createElement('span'); // the image and what is drawn over it (events.js)
      frame.className = 'frame';
      frame.append(img);
      const caption = document.createElement('span');
      caption.className = 'caption';
      button.append(frame, caption);
      button.addEventListener('click', () => { // enlarge, and back
        const enlarged = tile.classList.toggle('enlarged');
        button.setAttribute('aria-pressed', String(enlarged));
      });
      tile.append(button);
      tiles.append(tile);
    }
    // the busiest streams play live, as many as the connections allow (see MAX_MJPEG), the others show their
    // latest frame, refreshed every second while it changes
    const img = tile.querySelector('img');
    const sender = encodeURIComponent(stream.sender);
    if (stream.active && index < liveSlots()) {
      if (tile.dataset.live !== 'true') {
        img.src = `/received/stream.mjpeg?sender=${sender}`;
        tile.dataset.live = 'true';
      }
    } else if (tile.dataset.live !== 'false' || tile.dataset.frames !== String(stream.frames)) {
      // a still only when there is a new frame: a page with many stopped cameras asks nothing of them, and
      // leaves its connections to the live streams, the events and what the user asks for
      showStill(tile);
    }
    tile.dataset.frames = String(stream.frames);
    tile.classList.toggle('stopped', !stream.active);
    tile.dataset.fps = stream.fps;
    setPresence(tile, stream.online, stream.lastFrameAt);
    tile.querySelector('.caption').textContent = describeStream(stream) + (!stream.online
      ? ` · offline since ${formatTime(stream.lastFrameAt)}` : stream.active ? '' : ' · stopped');
    decorateTile(tile, stream); // zones, masks, motion (events.js)
  }
  for (const tile of [...tiles.children]) {
    if (!seen.has(tile.dataset.sender)) {
      stopImage(tile.querySelector('img'));
      tile.remove();
    }
  }
}

// ---- recordings: per camera a timeline of what is recorded (its segments; gaps show), the frame at a clicked
// moment, replay from there (MJPEG at a chosen speed), and the range from there downloaded as a video file

const rec = {
  camera: null, from: 0, to: 0, at: null, playing: false, playStart: 0, playFrom: 0,
  playSpeed: 1, // the speed the replay was asked at (the choice may change while it plays)
  playTo: Infinity, // where the replay ends: the cursor stops there
  event: null, // the motion event being shown (events.js), or null
};

async function refreshRecordings() {
  let cameras;
  try {
    const response = await fetch('/recordings');
    if (!response.ok) { return; } // recording off
    cameras = await response.json();
  } catch (e) {
    return;
  }
  $('recordings').hidden = cameras.length === 0;
  if (cameras.length === 0) { return; }
  const select = $('rec-camera');
  const names = cameras.map((camera) => camera.sender);
  if ([...select.options].map((option) => option.value).join() !== names.join()) {
    select.replaceChildren(...names.map((name) => new Option(name, name, false, name === rec.camera)));
  }
  if (!names.includes(rec.camera)) { rec.camera = names[0]; select.value = rec.camera; }
  const camera = cameras.find((c) => c.sender === rec.camera);
  rec.from = Date.parse(camera.from);
  rec.to = Date.parse(camera.to);
  $('rec-summary').textContent = `${camera.frames.toLocaleString()} frames · ${(camera.bytes / 1048576).toFixed(1)} MB`
      + ` · ${camera.segments} segments · kept ${camera.retention.replace('PT', '').toLowerCase()}`;
  $('rec-from').textContent = new Date(rec.from).toLocaleString();
  $('rec-to').textContent = new Date(rec.to).toLocaleString();
  const spans = await (await fetch(`/recordings/spans?sender=${encodeURIComponent(rec.camera)}`)).json();
  const timeline = $('rec-timeline');
  timeline.querySelectorAll('.span').forEach((span) => span.remove());
  const width = Math.max(1, rec.to - rec.from);
  for (const span of spans) {
    const bar = document.createElement('div');
    bar.className = 'span';
    bar.style.left = `${(Date.parse(span.from) - rec.from) / width * 100}%`;
    bar.style.width = `${(Date.parse(span.to) - Date.parse(span.from)) / width * 100}%`;
    bar.title = `${new Date(span.from).toLocaleTimeString()} – ${new Date(span.to).toLocaleTimeString()}`
        + ` · ${span.frames} frames`;
    timeline.append(bar);
  }
  placeCursor();
  loadMarks(); // the camera's motion events over its timeline (events.js)
}

function placeCursor() {
  const cursor = $('rec-cursor');
  if (rec.at === null) { cursor.style.display = 'none'; followLists(); return; }
  const share = Math.min(1, Math.max(0, (rec.at - rec.from) / Math.max(1, rec.to - rec.from)));
  cursor.style.display = 'block';
  cursor.style.left = `${share * 100}%`;
  $('rec-timeline').setAttribute('aria-valuenow', String(Math.round(share * 100)));
  followLists();
}

function playingAt() {
  return Math.min(rec.playTo, rec.playFrom + (Date.now() - rec.playStart) * Number(rec.playSpeed));
}

function showAt(at) {
  rec.at = at;
  rec.playing = false;
  rec.playTo = Infinity;
  const iso = new Date(at).toISOString();
  const sender = encodeURIComponent(rec.camera);
  showRecFrame(`/recordings/frame?sender=${sender}&at=${iso}`);
  $('rec-time').textContent = `${rec.camera} at ${new Date(at).toLocaleString()}`;
  $('rec-play').textContent = 'Play';
  $('rec-play').disabled = false;
  const to = new Date(at + Number($('rec-length').value) * 1000).toISOString();
  const download = $('rec-download');
  download.href = `/recordings/export?sender=${sender}&from=${iso}&to=${to}&format=mkv`;
  download.setAttribute('aria-disabled', 'false');
  placeCursor();
}

/**
 * Replays the chosen camera from `from` (to `to`, or as far as it is recorded) in the section's one <img>: a new
 * replay replaces the one playing, so the page never holds more than one. Its connection comes from a live tile.
 */
function startReplay(from, to) {
  const sender = encodeURIComponent(rec.camera);
  const speed = $('rec-speed').value;
  const params = `sender=${sender}&from=${new Date(from).toISOString()}`
      + (to === undefined ? '' : `&to=${new Date(to).toISOString()}`);
  rec.playing = true;
  keepLiveWithin(liveSlots());
  showRecFrame(`/recordings/replay.mjpeg?${params}&speed=${speed}`);
  rec.at = from;
  rec.playStart = Date.now();
  rec.playFrom = from;
  rec.playSpeed = speed;
  rec.playTo = to === undefined ? Date.now() : to; // without a `to`, the replay ends at what is recorded now
  $('rec-play').textContent = 'Pause';
  $('rec-play').disabled = false;
  placeCursor();
}

/** Forgets the event shown: the user chose a moment or a camera of their own. */
function leaveEvent() {
  rec.event = null;
  $('rec-event').hidden = true;
  eventShown(null); // events.js
}

$('rec-timeline').addEventListener('click', (event) => {
  const box = event.currentTarget.getBoundingClientRect();
  leaveEvent();
  showAt(rec.from + (event.clientX - box.left) / box.width * (rec.to - rec.from));
});
$('rec-camera').addEventListener('change', (event) => {
  rec.camera = event.target.value;
  recLists.abort?.abort(); // the camera left's lists are not waited for
  leaveEvent();
  rec.at = null;
  rec.playing = false; // a replay of the camera left ends here
  rec.playTo = Infinity;
  $('rec-play').textContent = 'Play';
  showRecFrame(null);
  placeCursor();
  refreshRecordings();
});
$('rec-length').addEventListener('change', () => { if (rec.at !== null && !rec.playing) { showAt(rec.at); } });
$('rec-play').addEventListener('click', () => {
  if (rec.playing) { // pause where the replay is now
    showAt(playingAt());
    return;
  }
  if (rec.event) { // an event's replay ends where its clip does (events.js)
    playEvent(rec.event, rec.at);
    return;
  }
  startReplay(rec.at);
});
setInterval(() => {
  if (!rec.playing) { return; }
  rec.at = playingAt();
  placeCursor();
  if (rec.at >= rec.playTo) { // the replay has ended: its <img> keeps the last frame, its connection is free
    rec.playing = false;
    $('rec-play').textContent = 'Play';
  }
}, 250);

// ---- the replay's lists: beside the frame, the list the camera's sender sent last at or before the moment shown,
// following the replay as it plays. The page keeps a window of the camera's lists (GET /recordings/lists?from=&to=,
// JSON lines, a few hundred at most) and picks from it as the moment moves: one request at a time, at most two a
// second, and none while the moment stays within the window (paused, or scrubbed within it)

const LISTS_AHEAD_MS = 10000; // a window reaches this far past the moment (times the speed, while playing)
const LISTS_FETCH_LINES = 300; // one answer's bound: the window ends earlier when the camera sends more than this
const LISTS_FETCH_BYTES = 256 * 1024;
const LISTS_KEPT = 600; // the page's bound: past it, the oldest lists go
const LISTS_KEPT_BYTES = 512 * 1024;
// the lists of the last moments may still be on their way to the disk (udp.store.write-delay): a window stops this
// far before the service's time, and a moment nearer than that is asked for alone (?at=)
const LISTS_SETTLE_MS = 2000;
const LISTS_MIN_GAP_MS = 500; // between two loads; longer after a failure
const LIST_SHOWN_CHARS = 20000; // a longer list is shown cut, with its size

const recLists = {
  camera: null, // the camera the window is of
  from: 0, // the window answers for the moments [from, to) (ms)...
  to: 0,
  base: null, // ...with the list sent last before `from` (null: none),
  lists: [], // and the lists sent in it, oldest first
  bytes: 0, // their JSON's size
  point: null, // { camera, at, list }: the answer for one moment outside the window (near the service's now)
  skew: 0, // the service's clock minus the page's, from the Date header (±1 s)
  loading: false,
  abort: null, // the load in flight's AbortController: leaving the camera aborts it
  lastLoad: 0,
  failures: 0,
  timer: null,
};

/** Its time in ms, and whether it is later than that ms: receivedAt has microseconds, a moment here has ms. */
function stampList(list) {
  const fraction = /\.(\d+)/.exec(list.receivedAt);
  list.ms = Date.parse(list.receivedAt.replace(/(\.\d{3})\d+/, '$1'));
  list.pastMs = Boolean(fraction && /[1-9]/.test(fraction[1].slice(3)));
  return list;
}

function sentBy(list, at) { // at or before `at`, as the service's ?at= says it
  return list.ms < at || (list.ms === at && !list.pastMs);
}

function listsCover(at) {
  return recLists.camera === rec.camera && at >= recLists.from && at < recLists.to;
}

function listAt(at) {
  for (let i = recLists.lists.length - 1; i >= 0; i--) {
    if (sentBy(recLists.lists[i], at)) { return recLists.lists[i]; }
  }
  return recLists.base;
}

/** Shows the list of the moment shown (called with the cursor), and loads what that needs. */
function followLists() {
  const panel = $('rec-lists');
  if (rec.at === null || !rec.camera) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  $('rec-lists-sender').textContent = rec.camera;
  const at = Math.floor(rec.at); // the moment as the frame's ?at= has it
  const point = recLists.point;
  if (listsCover(at)) {
    showList(listAt(at), at);
    // while playing, the window goes on before it runs out: when there is a good stretch more to ask for, or
    // whatever there is within a second of running out (near the service's now, a little at a time)
    const speed = Math.max(1, Number(rec.playSpeed));
    const ahead = LISTS_AHEAD_MS * speed;
    const reach = Math.min(rec.playTo, settledAt());
    const left = recLists.to - at;
    if (rec.playing && recLists.to < reach && left < ahead / 2
        && (reach - recLists.to >= ahead / 4 || left < 1000 * speed)) {
      loadListsSoon();
    }
  } else if (point && point.camera === rec.camera && point.at === at) {
    showList(point.list, at);
  } else {
    loadListsSoon();
  }
  // another moment's list, while this one's loads: dimmed when they are more than a second of recording apart
  panel.classList.toggle('stale', panel.dataset.camera !== rec.camera
      || Math.abs(Number(panel.dataset.at) - at) > 1000);
}

function showList(list, at) {
  const panel = $('rec-lists');
  panel.dataset.at = String(at);
  panel.dataset.camera = rec.camera;
  const id = list ? String(list.id) : '';
  if (panel.dataset.id === id && panel.dataset.shown === rec.camera) { return; }
  panel.dataset.id = id;
  panel.dataset.shown = rec.camera;
  const pre = $('rec-list');
  const when = $('rec-lists-when');
  pre.classList.toggle('none', !list);
  if (!list) {
    pre.textContent = 'no list yet';
    when.textContent = 'none sent at or before this moment';
    return;
  }
  let text = prettyJson(list.value);
  if (text.length > LIST_SHOWN_CHARS) {
    text = `${text.slice(0, LIST_SHOWN_CHARS)}\n… (cut: ${list.bytes.toLocaleString()} bytes in all)`;
  }
  pre.textContent = text;
  const time = document.createElement('time');
  time.dateTime = list.receivedAt;
  time.textContent = formatTimeMs(list.receivedAt);
  when.replaceChildren('received ', time, ` · #${list.id} · ${list.bytes.toLocaleString()} bytes`);
}

/** A time of day to the ms (lists may come many a second), with the date when it is not today. */
function formatTimeMs(at) {
  const date = new Date(at);
  const time = date.toLocaleTimeString(undefined,
    { hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

/**
 * JSON indented, small: an array of numbers or strings, or anything short, on one line (which wraps), the rest
 * one entry a line.
 */
function prettyJson(value, indent = '') {
  if (value === null || typeof value !== 'object') { return JSON.stringify(value); }
  const inner = `${indent}  `;
  const array = Array.isArray(value);
  const entries = array ? value.map((item) => prettyJson(item, inner))
    : Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${prettyJson(item, inner)}`);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) { return open + close; }
  const flat = `${open}${entries.join(', ')}${close}`;
  const scalars = array && value.every((item) => item === null || typeof item !== 'object');
  if (!flat.includes('\n') && (scalars || indent.length + flat.length <= 60)) { return flat; }
  return `${open}\n${entries.map((entry) => inner + entry).join(',\n')}\n${indent}${close}`;
}

function loadListsSoon() {
  if (recLists.loading || recLists.timer) { return; }
  const gap = LISTS_MIN_GAP_MS * 2 ** Math.min(4, recLists.failures);
  const wait = recLists.lastLoad + gap - Date.now();
  if (wait > 0) {
    recLists.timer = setTimeout(() => { recLists.timer = null; followLists(); }, wait);
    return;
  }
  loadLists();
}

/**
 * One load for the moment shown: the window's next stretch when the moment is in or just past it; else a window
 * of its own, from the list at the moment (?at=) and the lists after it; near the service's now only that list.
 */
async function loadLists() {
  const camera = rec.camera;
  const at = Math.floor(rec.at);
  const ahead = LISTS_AHEAD_MS * (rec.playing ? Math.max(1, Number(rec.playSpeed)) : 1);
  const settled = settledAt();
  const near = recLists.camera === camera && at >= recLists.from && at < recLists.to + ahead;
  if (listsCover(at) && recLists.to >= settled) { return; } // nothing newer to ask for yet
  recLists.loading = true;
  recLists.lastLoad = Date.now();
  const abort = new AbortController();
  recLists.abort = abort;
  try {
    if (near && recLists.to < settled) {
      extendWindow(await fetchLists(camera, recLists.to, recLists.to + ahead, abort.signal));
    } else if (at >= settled) {
      recLists.point = { camera, at, list: await fetchListAt(camera, at, abort.signal) };
    } else if (!listsCover(at)) {
      const base = await fetchListAt(camera, at, abort.signal);
      recLists.point = { camera, at, list: base }; // shown while the window loads
      if (rec.camera === camera) { followLists(); }
      const stretch = await fetchLists(camera, at, at + ahead, abort.signal);
      Object.assign(recLists, { camera, from: at, to: at, base, lists: [], bytes: 0 });
      extendWindow(stretch);
    }
    recLists.failures = 0;
  } catch (e) {
    if (abort.signal.aborted) {
      recLists.lastLoad = 0; // the camera was left: the next one's lists load at once
    } else {
      recLists.failures++; // restarting, or recording off: tried again later
    }
  } finally {
    recLists.loading = false;
    recLists.abort = null;
  }
  followLists();
}

/** The service's time, less what may not be recorded yet. */
function settledAt() {
  return Date.now() + recLists.skew - LISTS_SETTLE_MS;
}

/** Adds the next stretch, and lets the oldest lists go past the page's bound (the window then starts later). */
function extendWindow({ lists, to, bytes }) {
  recLists.lists.push(...lists);
  recLists.bytes += bytes;
  recLists.to = Math.max(recLists.to, to);
  let drop = 0;
  let dropped = 0;
  while (recLists.lists.length - drop > LISTS_KEPT || recLists.bytes - dropped > LISTS_KEPT_BYTES) {
    dropped += recLists.lists[drop].size;
    drop++;
  }
  if (drop > 0) {
    const last = recLists.lists[drop - 1];
    recLists.base = last;
    recLists.from = Math.max(recLists.from, last.ms + (last.pastMs ? 1 : 0));
    recLists.lists = recLists.lists.slice(drop);
    recLists.bytes -= dropped;
  }
}

/** The list sent last at or before `at`, or null (404); `signal` aborts it. */
async function fetchListAt(camera, at, signal) {
  const response = await fetch(`/recordings/lists?sender=${encodeURIComponent(camera)}`
      + `&at=${new Date(at).toISOString()}`, { headers: { Accept: 'application/json' },
    signal: AbortSignal.any([signal, AbortSignal.timeout(10000)]) });
  learnSkew(response);
  if (!response.ok) {
    await response.text(); // its problem read to the end: the connection is free again
    if (response.status === 404) { return null; }
    throw new Error(`${response.status}`);
  }
  return stampList(await response.json());
}

/**
 * The lists sent in [from, to), read as they come and at most LISTS_FETCH_LINES or LISTS_FETCH_BYTES of them: the
 * stretch they answer for ends at the last one kept, and before the lists that may not be recorded yet. `signal`
 * aborts it.
 */
async function fetchLists(camera, from, to, signal) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10000);
  try {
    const response = await fetch(`/recordings/lists?sender=${encodeURIComponent(camera)}`
        + `&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
    { headers: { Accept: 'application/x-ndjson' }, signal: AbortSignal.any([signal, abort.signal]) });
    learnSkew(response);
    if (!response.ok) { throw new Error(`${response.status}`); }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const lists = [];
    let rest = '';
    let bytes = 0;
    let cut = false;
    for (;;) {
      const { value, done } = await reader.read();
      rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = rest.split('\n');
      rest = done ? '' : lines.pop();
      for (const line of lines) {
        if (!line.trim()) { continue; }
        if (lists.length === LISTS_FETCH_LINES || bytes + line.length > LISTS_FETCH_BYTES) {
          cut = true;
          break;
        }
        const list = stampList(JSON.parse(line));
        list.size = line.length;
        bytes += line.length;
        lists.push(list);
      }
      cut ||= rest.length > LISTS_FETCH_BYTES; // a line longer than a window's bound: the window ends before it
      if (done || cut) { break; }
    }
    let end = Math.min(to, serverNow(response) - LISTS_SETTLE_MS);
    if (cut && lists.length) { // up to the last ms kept: the lists of that ms may go on in the next answer
      const lastMs = lists[lists.length - 1].ms;
      end = Math.min(end, lastMs > from ? lastMs : lastMs + 1);
    }
    end = Math.max(from, end);
    const kept = lists.filter((list) => list.ms < end);
    return { lists: kept, to: end, bytes: kept.reduce((sum, list) => sum + list.size, 0) };
  } finally {
    clearTimeout(timer);
    abort.abort(); // a cut answer's connection is closed, not read to its end
  }
}

function serverNow(response) {
  const date = Date.parse(response.headers.get('Date'));
  return Number.isNaN(date) ? Date.now() : date; // to the second, never later than its time
}

function learnSkew(response) {
  const date = Date.parse(response.headers.get('Date'));
  if (!Number.isNaN(date)) { recLists.skew = date + 500 - Date.now(); }
}

setInterval(refreshCounters, 5000);
whoAmI();
connect();
// the tiles' MJPEG streams never finish loading: they start after the page's load event, or it would never come
window.addEventListener('load', () => {
  refreshStreams();
  setInterval(refreshStreams, 1000);
  refreshRecordings();
  setInterval(refreshRecordings, 5000);
});
