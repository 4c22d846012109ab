-- A set made public or private as a whole: its images take the choice, those still being made
-- included. NULL until chosen (each image then takes the account's default as it is made).
ALTER TABLE generation_sets ADD COLUMN visibility TEXT;
