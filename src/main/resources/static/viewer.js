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

async function refreshCounters() {
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
    tile.querySelector('img').src = `/received/stream.jpg?sender=${encodeURIComponent(tile.dataset.sender)}`
        + `&at=${Date.now()}`;
    tile.dataset.live = 'false';
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
      img.src = `/received/stream.jpg?sender=${sender}&at=${Date.now()}`;
      tile.dataset.live = 'false';
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
      tile.querySelector('img').src = ''; // closes the stream
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
  if (rec.at === null) { cursor.style.display = 'none'; return; }
  const share = Math.min(1, Math.max(0, (rec.at - rec.from) / Math.max(1, rec.to - rec.from)));
  cursor.style.display = 'block';
  cursor.style.left = `${share * 100}%`;
  $('rec-timeline').setAttribute('aria-valuenow', String(Math.round(share * 100)));
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
  $('rec-frame').src = `/recordings/frame?sender=${sender}&at=${iso}`;
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
  $('rec-frame').src = `/recordings/replay.mjpeg?${params}&speed=${speed}`;
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
  leaveEvent();
  rec.at = null;
  $('rec-frame').removeAttribute('src');
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

setInterval(refreshCounters, 5000);
connect();
// the tiles' MJPEG streams never finish loading: they start after the page's load event, or it would never come
window.addEventListener('load', () => {
  refreshStreams();
  setInterval(refreshStreams, 1000);
  refreshRecordings();
  setInterval(refreshRecordings, 5000);
});
