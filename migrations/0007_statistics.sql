-- Statistics (/staff/stats): every count is over a range of created_at.
CREATE INDEX reports_created ON reports (created_at);
