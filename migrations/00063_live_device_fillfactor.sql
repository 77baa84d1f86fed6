-- live_device is updated with every group of fixes (each device's last fix
-- and zone states, about once a second per device). Leaving half of each
-- page free lets those updates stay on the row's page as heap-only tuples
-- (HOT): no new entries in the id and reserves indexes, and the old
-- versions pruned as the page is next read, instead of index bloat and
-- vacuum work that grows with the fixes. It takes effect on pages written
-- from now on.

-- +goose Up
ALTER TABLE live_device SET (fillfactor = 50);

-- +goose Down
ALTER TABLE live_device RESET (fillfactor);
