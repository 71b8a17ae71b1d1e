-- Token usage on the Google-compatible surface: a token may cap the devices
-- it enrolls (`maxEnrollments`, NULL: no cap), checked by the enrollment
-- claim itself (mdm_core::lifecycle::sql::GOOGLE_TOKENS), as AOSP perpetual
-- tokens do (0004).
ALTER TABLE google_enrollment_tokens ADD COLUMN max_enrollments INTEGER CHECK (max_enrollments BETWEEN 1 AND 100000);
