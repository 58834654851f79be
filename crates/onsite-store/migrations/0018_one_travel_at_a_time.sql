-- A technician travels to at most one visit at a time (issue 15, item 5): the database refuses a
-- second Traveling visit of the same technician, whatever path writes it. Visits left Traveling
-- side by side before this migration go back to Scheduled, all but the newest of each technician.
UPDATE bookings SET state = 'scheduled'
WHERE state = 'traveling'
  AND id NOT IN (SELECT MAX(id) FROM bookings WHERE state = 'traveling' GROUP BY technician_id);
CREATE UNIQUE INDEX bookings_one_traveling_per_technician ON bookings (technician_id)
WHERE state = 'traveling';
