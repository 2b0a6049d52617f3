# Every active invitation to one program, cohort 2027-spring.
list "invitations_program_invitation" "spring" {
  provider = invitations

  config {
    program_key = "acme+data-science"
    active      = true
    metadata    = { cohort = "2027-spring" }
  }
}
