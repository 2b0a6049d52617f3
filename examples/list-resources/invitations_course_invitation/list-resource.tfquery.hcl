# Every active invitation to one course, cohort 2027-spring.
list "invitations_course_invitation" "ds101" {
  provider = invitations

  config {
    course_id = "course-v1:acme+DS101+2027"
    active    = true
    metadata  = { cohort = "2027-spring" }
  }
}
