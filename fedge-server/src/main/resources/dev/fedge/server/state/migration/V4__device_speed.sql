-- A device's measured training speed (issue 14): an exponentially weighted moving average over
-- its recent fit tasks of the images and optimiser steps it trains per second (wall clock on the
-- device, from the fit results' train_seconds), and how many tasks it is made of (0 = not
-- measured yet). One statement per column: SQLite adds one column per ALTER TABLE.
ALTER TABLE devices ADD COLUMN train_images_per_s DOUBLE PRECISION;
ALTER TABLE devices ADD COLUMN train_steps_per_s DOUBLE PRECISION;
ALTER TABLE devices ADD COLUMN speed_tasks BIGINT NOT NULL DEFAULT 0;
