"""Material uploads (上传申请材料): the applicant's files and the window clerk's scans, checked from their bytes."""
