-- The cluster store: what every instance received, in one order. Image bytes live in object storage under
-- object_key; a row is written only after its object, so a committed row always has its bytes.
create table image (
    id          bigint generated always as identity primary key,
    sender      text             not null,
    received_at timestamptz      not null,
    bytes       integer          not null,
    datagrams   integer          not null,
    width       integer          not null,
    height      integer          not null,
    format      text             not null,
    transport   text             not null,
    transfer_ms double precision not null,
    object_key  text             not null unique,
    sha256      bytea            not null,
    instance    text             not null
);

create table list (
    id          bigint generated always as identity primary key,
    sender      text        not null,
    received_at timestamptz not null,
    bytes       integer     not null,
    value       json        not null, -- the text as received (jsonb would reorder keys)
    sha256      bytea       not null,
    instance    text        not null
);
