# Active invitations to one course. org defaults to the provider's ibl.org.
data "invitations_course_invitations" "ds101" {
  course_id = "course-v1:acme+DS101+2027"
  active    = true
}

output "ds101_emails" {
  value = [for i in data.invitations_course_invitations.ds101.invitations : i.email]
}
