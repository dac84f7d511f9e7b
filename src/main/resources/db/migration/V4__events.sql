-- Motion events, seen from every instance (dev.udpimage.events). At most one open event per camera cluster-wide: an
-- instance that opens a camera's event while another's is open (the camera's frames moved there) joins it.
create table event (
    id              bigint generated always as identity primary key,
    camera          text             not null,
    started_at      timestamptz      not null, -- its first frame with motion
    ended_at        timestamptz,               -- its last frame with motion; null while it lasts
    zones           text[]           not null default '{}',
    score           double precision not null, -- the fraction of the frame that moved at the peak
    peak_at         timestamptz      not null,
    box_left        double precision not null,
    box_top         double precision not null,
    box_right       double precision not null,
    box_bottom      double precision not null,
    snapshot        bytea,                     -- the peak frame, exactly as received
    snapshot_format text,
    instance        text             not null, -- who opened it
    updated_at      timestamptz      not null default now()
);
-- images are compressed already
alter table event alter column snapshot set storage external;
create unique index event_open on event (camera) where ended_at is null;
create index event_started on event (started_at);
create index event_camera_started on event (camera, started_at);

-- Whether each camera is online, so that one instance tells of each change
create table camera_presence (
    camera     text        primary key,
    online     boolean     not null,
    changed_at timestamptz not null default now()
);
