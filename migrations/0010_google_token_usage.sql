-- Token usage on the Google-compatible surface: like AOSP tokens (0004),
-- a Google token shows when a device last enrolled with it
-- (`lastEnrollmentAt`); the enrollment claim sets it in the same UPDATE that
-- counts the device (worker/src/routes/aosp_enroll.rs, consume_google).
ALTER TABLE google_enrollment_tokens ADD COLUMN last_enrollment_at INTEGER;
