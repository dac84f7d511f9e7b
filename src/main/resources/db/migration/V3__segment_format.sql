-- Segments in the recording's one format (dev.udpimage.recording.format): an object is the frames' records back to
-- back, each self-describing (FrameRecord: header, CRC32C, metadata, image), so an object can be read and verified
-- alone, and the index is fixed 32-byte entries (IndexEntry), as a .idx file holds them. Segments sealed before this
-- migration keep their bare objects and their frame_index (offsets into those objects read the same way).
alter table segment add column index_entries bytea;
alter table segment alter column frame_index drop not null;
alter table segment add constraint segment_has_an_index check (index_entries is not null or frame_index is not null);
