-- The recording on the cluster. An image's bytes are held in its row (data) from the commit that acknowledges it
-- until its camera's segment is sealed: then the frames of that segment are one object, the segment row indexes
-- them, and the image rows keep only where they lie (segment_id, segment_offset). Rows from before this migration
-- keep their own object (object_key).
create table segment (
    id         bigint generated always as identity primary key,
    camera     text        not null,
    started_at timestamptz not null, -- its first frame
    ended_at   timestamptz not null, -- its last frame
    frames     integer     not null,
    bytes      bigint      not null,
    object_key text        not null unique,
    frame_index bytea      not null, -- per frame, in time order: SegmentIndex
    instance   text        not null, -- who sealed it
    sealed_at  timestamptz not null default now()
);
create index segment_camera_time on segment (camera, started_at);
create index segment_ended on segment (ended_at);

alter table image alter column object_key drop not null;
alter table image add column camera text;
alter table image add column data bytea;
-- images are compressed already: stored out of line as they are, without pglz's attempt at each
alter table image alter column data set storage external;
alter table image add column segment_id bigint references segment (id) on delete cascade;
alter table image add column segment_offset bigint;
-- what is held until sealed
create index image_pending on image (camera, received_at) where data is not null and segment_id is null;
create index image_segment on image (segment_id);

alter table list add column camera text;
create index list_camera_time on list (camera, received_at);
