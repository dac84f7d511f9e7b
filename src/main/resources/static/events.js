// Motion events in the viewer: a list of recent events with their snapshots, marks on the recordings' timeline,
// an event played from the recording, and each camera tile's zones and masks drawn over its picture, lit while
// its camera has an event open. Kept up to date by Server-Sent Events from /events/live, the page's second
// EventSource (see MAX_MJPEG in viewer.js). Loaded after viewer.js, whose functions and `rec` it uses; viewer.js
// calls decorateTile, loadMarks, playEvent and eventShown from here.
'use strict';

const EVENTS_PAGE = 20; // events listed at first; "More" brings the next page
const MAX_EVENTS_SHOWN = 200; // the list's bound, however long the page stays open
const MAX_MARKS = 500; // events marked on one timeline
// the service's default pre- and post-capture (udp.motion.pre-capture, post-capture): an event's clip is its
// recording from 5 s before its start to 5 s after its end
const PRE_CAPTURE_MS = 5000;
const POST_CAPTURE_MS = 5000;
const TILE_RATIO = 4 / 3; // a tile's picture box (#stream-tiles img in viewer.css): the frame is fit inside it
const SVG = 'http://www.w3.org/2000/svg';

const ev = {
  camera: '', // the list's camera; '' for all cameras
  more: null, // the list's next page (Link rel="next"), or null
  open: new Map(), // camera -> its open event: lights its tile
  marks: new Map(), // id -> event of rec.camera, marked on its timeline
  cameras: new Set(), // every camera seen, for the list's choice
  shown: null, // the id of the event playing in the recordings section
};

// ---- how an event reads

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) { return '< 1 s'; }
  if (seconds < 60) { return `${seconds} s`; }
  if (seconds < 3600) { return `${Math.floor(seconds / 60)} min ${seconds % 60} s`; }
  return `${Math.floor(seconds / 3600)} h ${Math.floor(seconds / 60) % 60} min`;
}

/** "10:42:01–10:42:09 (8 s) · door": its time, how long, and where, or "since 10:42:01 · now" while open. */
function describeEvent(event) {
  const start = Date.parse(event.start);
  const when = event.end
    ? `${formatTime(start)}–${new Date(event.end).toLocaleTimeString()} (${formatDuration(Date.parse(event.end) - start)})`
    : `since ${formatTime(start)} · now`;
  return when + (event.zones.length ? ` · ${event.zones.join(', ')}` : '');
}

/** Its clip's range in ms: to is undefined while it lasts (the replay goes as far as it is recorded). */
function clipRange(event) {
  return {
    from: Date.parse(event.start) - PRE_CAPTURE_MS,
    to: event.end ? Date.parse(event.end) + POST_CAPTURE_MS : undefined,
  };
}

function snapshotUrl(event) { // the peak changes while an event lasts, and with it the snapshot
  return `/events/${event.id}/snapshot.jpg?peak=${encodeURIComponent(event.peakAt)}`;
}

// ---- playing an event: the recordings section's replay, from its clip's start to its end

/**
 * Plays an event from the recording (from `at` within its clip, else from the clip's start), in the recordings
 * section's one replay <img>, and offers its clip as a download.
 */
function playEvent(event, at) {
  const select = $('rec-camera');
  if ($('recordings').hidden || ![...select.options].some((option) => option.value === event.camera)) {
    const note = `There is no recording of ${event.camera} to play event ${event.id} from.`;
    $('ev-summary').textContent = note; // seen where it was chosen, and heard
    announce(note);
    return;
  }
  if (rec.camera !== event.camera) {
    rec.camera = event.camera;
    select.value = event.camera;
    refreshRecordings(); // its timeline, with its marks
  }
  const { from, to } = clipRange(event);
  const start = at !== undefined && at >= from && (to === undefined || at < to - 500) ? at : from;
  rec.event = event;
  startReplay(start, to);
  showEventBar(event);
  eventShown(event.id);
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  $('rec-frame').closest('figure').scrollIntoView({ block: 'nearest', behavior: reduced ? 'auto' : 'smooth' });
}

function showEventBar(event) {
  $('rec-time').textContent = `Event ${event.id} on ${event.camera}: ${describeEvent(event)}`;
  $('rec-event-text').textContent = `Event ${event.id}: its recording from 5 s before to 5 s after`;
  $('event-download').href = `/events/${event.id}/clip?format=mkv`;
  $('rec-event').hidden = false;
}

/** Marks the event playing (null: none) in the list and on the timeline. */
function eventShown(id) {
  ev.shown = id;
  for (const button of document.querySelectorAll('#event-list button.event, #rec-marks button.mark')) {
    if (Number(button.dataset.id) === id) {
      button.setAttribute('aria-current', 'true');
    } else {
      button.removeAttribute('aria-current');
    }
  }
}

// ---- the list: newest first, a snapshot each, "More" pages on

function eventsUrl() {
  return `/events?limit=${EVENTS_PAGE}` + (ev.camera ? `&camera=${encodeURIComponent(ev.camera)}` : '');
}

function nextLink(response) {
  const link = response.headers.get('Link');
  const next = link && link.match(/<([^>]+)>\s*;\s*rel="next"/);
  return next ? next[1] : null;
}

/** The first page again: what the live events may have missed (a reconnect, a dropped event). */
async function refreshEventList() {
  const camera = ev.camera;
  let response;
  let events;
  try {
    response = await fetch(eventsUrl());
    if (!response.ok) { return; }
    events = await response.json();
  } catch (e) {
    return; // restarting
  }
  if (camera !== ev.camera) { return; } // the choice changed meanwhile: its own answer comes
  const first = $('event-list').children.length === 0;
  events.forEach(listEvent);
  if (first) { ev.more = nextLink(response); }
  listChanged();
}

async function loadMore() {
  const camera = ev.camera;
  const button = $('ev-more');
  button.disabled = true;
  try {
    const response = await fetch(ev.more);
    const events = await response.json();
    if (camera === ev.camera) {
      events.forEach(listEvent);
      ev.more = nextLink(response);
    }
  } catch (e) {
    // restarting: the button stays for another try
  } finally {
    button.disabled = false;
    listChanged();
  }
}

/** Adds an event to the list, or brings its entry up to date; newest first by id, whatever order they come in. */
function listEvent(event) {
  if (ev.camera && event.camera !== ev.camera) { return; }
  knowCamera(event.camera);
  const list = $('event-list');
  let item = list.querySelector(`li[data-id="${event.id}"]`);
  if (!item) {
    const last = list.lastElementChild;
    if (list.children.length >= MAX_EVENTS_SHOWN && last && Number(last.dataset.id) > event.id) {
      return; // older than all that is shown, in a full list
    }
    item = newEventItem(event);
    const before = [...list.children].find((li) => Number(li.dataset.id) < event.id);
    list.insertBefore(item, before || null);
    while (list.children.length > MAX_EVENTS_SHOWN) { // the oldest go, and "More" brings them back
      list.lastElementChild.remove();
      ev.more = `${eventsUrl()}&after=${list.lastElementChild.dataset.id}`;
    }
  }
  updateEventItem(item, event);
}

function newEventItem(event) {
  const item = document.createElement('li');
  item.dataset.id = event.id;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'event';
  button.dataset.id = event.id;
  const thumb = document.createElement('span');
  thumb.className = 'thumb';
  const img = document.createElement('img');
  img.loading = 'lazy';
  img.alt = `Snapshot of event ${event.id} at its peak`;
  img.addEventListener('error', () => thumb.classList.add('missing')); // no longer kept
  const now = document.createElement('span');
  now.className = 'now';
  now.textContent = 'now';
  thumb.append(img, now);
  const when = document.createElement('time');
  when.className = 'when';
  const length = document.createElement('span');
  length.className = 'length';
  const camera = document.createElement('span');
  camera.className = 'camera';
  const zones = document.createElement('span');
  zones.className = 'zones';
  button.append(thumb, when, length, camera, zones);
  button.addEventListener('click', () => playEvent(item.event));
  item.append(button);
  return item;
}

function updateEventItem(item, event) {
  item.event = event;
  item.classList.toggle('open', !event.end);
  const img = item.querySelector('img');
  const snapshot = snapshotUrl(event);
  if (img.getAttribute('src') !== snapshot) { img.src = snapshot; }
  const when = item.querySelector('.when');
  when.dateTime = event.start;
  when.textContent = formatTime(event.start);
  item.querySelector('.length').textContent = event.end
    ? formatDuration(Date.parse(event.end) - Date.parse(event.start)) : 'ongoing';
  item.querySelector('.camera').textContent = event.camera;
  item.querySelector('.zones').replaceChildren(...event.zones.map((name) => {
    const zone = document.createElement('span');
    zone.className = 'zone';
    zone.textContent = name;
    return zone;
  }));
  const button = item.querySelector('button');
  button.title = `Play event ${event.id} on ${event.camera}: ${describeEvent(event)}`;
  if (ev.shown === event.id) { button.setAttribute('aria-current', 'true'); }
}

function listChanged() {
  const list = $('event-list');
  const count = list.children.length;
  $('ev-empty').hidden = count > 0;
  $('ev-more').hidden = !ev.more;
  list.classList.toggle('one-camera', ev.camera !== '');
  const open = list.querySelectorAll('li.open').length;
  $('ev-summary').textContent = count === 0 ? '' : `${count} shown` + (open ? ` · ${open} going on now` : '');
  showEventsSection();
}

function showEventsSection() {
  $('events').hidden = ev.cameras.size === 0 && $('event-list').children.length === 0;
}

/** A camera for the list's choice (from the streams, the recordings and the events). */
function knowCamera(camera) {
  if (ev.cameras.has(camera)) { return; }
  ev.cameras.add(camera);
  const select = $('ev-camera');
  const names = [...ev.cameras].sort();
  select.replaceChildren(new Option('All cameras', '', false, ev.camera === ''),
    ...names.map((name) => new Option(name, name, false, name === ev.camera)));
  showEventsSection();
}

$('ev-camera').addEventListener('change', (e) => {
  ev.camera = e.target.value;
  ev.more = null;
  $('event-list').replaceChildren();
  listChanged();
  refreshEventList();
});
$('ev-more').addEventListener('click', loadMore);

// ---- marks on the recordings' timeline: a mark per event of its camera, start to end (an open one to now)

async function loadMarks() {
  const camera = rec.camera;
  if (!camera) { return; }
  let events;
  try {
    const response = await fetch(`/events?camera=${encodeURIComponent(camera)}`
        + `&from=${new Date(rec.from).toISOString()}&limit=${MAX_MARKS}`);
    if (!response.ok) { return; }
    events = await response.json();
  } catch (e) {
    return;
  }
  if (camera !== rec.camera) { return; }
  ev.marks = new Map(events.map((event) => [event.id, event]));
  drawMarks();
}

/** Brings the marks up to date in place: a mark that has the focus keeps it. */
function drawMarks() {
  const lane = $('rec-marks');
  const width = Math.max(1, rec.to - rec.from);
  const kept = new Set();
  for (const event of ev.marks.values()) {
    const start = Date.parse(event.start);
    const end = event.end ? Date.parse(event.end) : Math.max(rec.to, Date.now()); // open: to now
    if (end < rec.from) { continue; }
    kept.add(String(event.id));
    let button = lane.querySelector(`button[data-id="${event.id}"]`);
    if (!button) {
      button = newMark(event.id);
      lane.append(button.parentElement);
    }
    button.event = event;
    const left = Math.max(0, (start - rec.from) / width);
    const right = Math.min(1, (end - rec.from) / width);
    button.style.left = `${left * 100}%`;
    button.style.width = `${Math.max(0, right - left) * 100}%`;
    button.classList.toggle('open', !event.end);
    button.setAttribute('aria-label', `Play event ${event.id}: ${describeEvent(event)}`);
    if (ev.shown === event.id) { button.setAttribute('aria-current', 'true'); }
  }
  for (const item of [...lane.children]) {
    if (!kept.has(item.firstChild.dataset.id)) { item.remove(); }
  }
}

function newMark(id) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'mark';
  button.dataset.id = id;
  button.addEventListener('click', () => playEvent(button.event));
  button.addEventListener('mouseenter', () => showTip(button));
  button.addEventListener('focus', () => showTip(button));
  button.addEventListener('mouseleave', hideTip);
  button.addEventListener('blur', hideTip);
  item.append(button);
  return button;
}

/** Its time and zones under the mark, kept inside the track (a phone's screen has no room to spare). */
function showTip(button) {
  const tip = $('rec-tip');
  tip.textContent = `Event ${button.event.id} · ${describeEvent(button.event)}`;
  tip.hidden = false;
  const track = $('rec-track').getBoundingClientRect();
  const mark = button.getBoundingClientRect();
  const left = mark.left + mark.width / 2 - track.left - tip.offsetWidth / 2;
  tip.style.left = `${Math.max(0, Math.min(track.width - tip.offsetWidth, left))}px`;
  tip.style.top = `${mark.bottom - track.top + 4}px`;
}

function hideTip() {
  $('rec-tip').hidden = true;
}

// ---- tiles: the camera's masks (hatched) and zones (outlined, named) over its picture, lit while it has motion

/** Called by refreshStreams for every tile, every second. */
function decorateTile(tile, stream) {
  knowCamera(stream.sender);
  const frame = tile.querySelector('.frame');
  let overlay = frame.querySelector('.overlay');
  if (!overlay) {
    overlay = document.createElement('span');
    overlay.className = 'overlay';
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 1 1'); // the frame's own units: the areas are relative to it
    svg.setAttribute('preserveAspectRatio', 'none');
    overlay.append(svg);
    frame.append(overlay);
    loadAreas(tile);
  }
  fitOverlay(overlay, stream.width, stream.height);
  showMotion(tile);
}

/**
 * Puts the overlay over the picture itself: the frame is fit (object-fit: contain) into the tile's 4:3 box, so a
 * frame of another shape has bars, and percentages of that box follow the tile's size without a resize listener.
 */
function fitOverlay(overlay, width, height) {
  if (!width || !height) { return; }
  const share = (width / height) / TILE_RATIO;
  const w = share >= 1 ? 100 : share * 100;
  const h = share >= 1 ? 100 / share : 100;
  overlay.style.left = `${(100 - w) / 2}%`;
  overlay.style.top = `${(100 - h) / 2}%`;
  overlay.style.width = `${w}%`;
  overlay.style.height = `${h}%`;
}

async function loadAreas(tile) {
  let areas;
  try {
    const response = await fetch(`/events/areas?camera=${encodeURIComponent(tile.dataset.sender)}`);
    if (!response.ok) { return; }
    areas = await response.json();
  } catch (e) {
    return; // the next reconnect of the live events tries again
  }
  drawAreas(tile, areas);
}

function drawAreas(tile, areas) {
  const overlay = tile.querySelector('.overlay');
  const svg = overlay.querySelector('svg');
  svg.querySelectorAll('.mask, .zone').forEach((shape) => shape.remove());
  overlay.querySelectorAll('.zone-label').forEach((label) => label.remove());
  const shapes = [];
  for (const points of areas.masks) {
    shapes.push(polygon('mask', points));
  }
  for (const [name, points] of Object.entries(areas.zones)) {
    shapes.push(polygon('zone', points));
    const label = document.createElement('span'); // HTML: text in the stretched 0..1 units would be distorted
    label.className = 'zone-label';
    label.textContent = name;
    const [x, y] = topLeft(points);
    label.style.left = `${x * 100}%`;
    label.style.top = `${y * 100}%`;
    overlay.append(label);
  }
  svg.prepend(...shapes); // under the motion box
  const said = [];
  const zones = Object.keys(areas.zones);
  if (zones.length) { said.push(`zones: ${zones.join(', ')}`); }
  if (areas.masks.length) { said.push(`${areas.masks.length} masked area${areas.masks.length > 1 ? 's' : ''}`); }
  if (!areas.enabled) { said.push('motion detection off'); }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', said.join('; ') || 'no zones or masks');
}

function polygon(kind, points) {
  const shape = document.createElementNS(SVG, 'polygon');
  shape.setAttribute('class', kind);
  shape.setAttribute('points', points);
  shape.setAttribute('vector-effect', 'non-scaling-stroke'); // outlines in pixels, whatever the tile's size
  return shape;
}

/** Where a polygon's label goes: its top left corner. */
function topLeft(points) {
  const xy = points.trim().split(/\s+/).map((pair) => pair.split(',').map(Number));
  return [Math.min(...xy.map(([x]) => x)), Math.min(...xy.map(([, y]) => y))];
}

/** A tile whose camera has an open event is lit, with where the motion was at its peak. */
function showMotion(tile) {
  const event = ev.open.get(tile.dataset.sender);
  const overlay = tile.querySelector('.overlay');
  if (!overlay) { return; }
  tile.classList.toggle('motion', Boolean(event));
  let box = overlay.querySelector('.box');
  let badge = tile.querySelector('.motion-badge');
  if (!event) {
    box?.remove();
    badge?.remove();
    return;
  }
  if (!box) {
    box = document.createElementNS(SVG, 'rect');
    box.setAttribute('class', 'box');
    box.setAttribute('vector-effect', 'non-scaling-stroke');
    overlay.querySelector('svg').append(box);
  }
  if (!badge) {
    badge = document.createElement('span');
    badge.className = 'motion-badge';
    tile.querySelector('.frame').append(badge);
  }
  badge.textContent = `motion${event.zones.length ? ` · ${event.zones.join(', ')}` : ''}`;
  const b = event.box;
  box.setAttribute('x', b.left);
  box.setAttribute('y', b.top);
  box.setAttribute('width', Math.max(0, b.right - b.left));
  box.setAttribute('height', Math.max(0, b.bottom - b.top));
}

function tileOf(camera) {
  return document.querySelector(`#stream-tiles li[data-sender="${CSS.escape(camera)}"]`);
}

// ---- live: /events/live

/** The open events of every camera, for the tiles: what the live events may have missed. */
async function refreshOpen() {
  let events;
  try {
    const response = await fetch('/events?limit=50');
    if (!response.ok) { return; }
    events = await response.json();
  } catch (e) {
    return;
  }
  ev.open = new Map();
  for (const event of events) { // newest first: a camera's newest open event
    if (!event.end && !ev.open.has(event.camera)) { ev.open.set(event.camera, event); }
  }
  document.querySelectorAll('#stream-tiles li').forEach(showMotion);
}

function eventChanged(event, kind) {
  listEvent(event);
  listChanged();
  if (!event.end) {
    ev.open.set(event.camera, event);
  } else if (ev.open.get(event.camera)?.id === event.id) {
    ev.open.delete(event.camera);
  }
  const tile = tileOf(event.camera);
  if (tile) { showMotion(tile); }
  if (event.camera === rec.camera) {
    ev.marks.set(event.id, event);
    drawMarks();
  }
  if (rec.event?.id === event.id) { // its end, and so its clip's, is known now
    rec.event = event;
    showEventBar(event);
  }
  const where = event.zones.length ? ` in ${event.zones.join(', ')}` : '';
  if (kind === 'new') {
    announce(`Motion on ${event.camera}${where}`);
  } else if (kind === 'end') {
    announce(`Motion on ${event.camera}${where} ended after `
      + formatDuration(Date.parse(event.end) - Date.parse(event.start)));
  }
}

function presenceChanged(camera, online, lastFrameAt) {
  const tile = tileOf(camera);
  if (tile) { setPresence(tile, online, lastFrameAt); }
}

function refreshEvents() {
  refreshEventList();
  refreshOpen();
}

function connectEvents() {
  const live = new EventSource('/events/live');
  live.onopen = () => {
    refreshEvents(); // catch up on what happened while disconnected
    document.querySelectorAll('#stream-tiles li').forEach((tile) => loadAreas(tile)); // a restart may change them
  };
  live.onerror = () => {
    if (live.readyState === EventSource.CLOSED) { // refused (503: too many pages open): it does not retry itself
      setTimeout(connectEvents, 10000);
    }
  };
  for (const kind of ['new', 'update', 'end']) {
    live.addEventListener(kind, (e) => eventChanged(JSON.parse(e.data), kind));
  }
  for (const kind of ['online', 'offline']) {
    live.addEventListener(kind, (e) => {
      const { camera, lastFrameAt } = JSON.parse(e.data);
      presenceChanged(camera, kind === 'online', lastFrameAt);
    });
  }
}

connectEvents();
setInterval(refreshEvents, 10000);
