@community
Feature: Community: ratings, comments, moderation and favorites
  Customers rate the workflows they used, discuss them in comments, report comments that do not
  belong, and keep favorites. Moderators decide on reported comments. Every step leaves a trace
  in the activity feed, and the workflow's author hears about new comments.

  Terms:
    - rating right: a customer may rate a workflow they ran (any run that was admitted) or hold
      a paid, unrefunded purchase of
    - hidden pending review: a comment reported by 3 distinct people waits for a moderator and
      is not shown meanwhile

  Rule: Only customers who ran or bought a workflow rate it, once each; the average follows

    @C1
    Scenario: Two customers rate a workflow, one changes her mind, the average follows
      Given Olga has published "Invoice Chaser" at 29 USD
      And Ana has run "Invoice Chaser"
      And Ben bought "Invoice Chaser"
      When Ana rates "Invoice Chaser" 5 stars
      And Ben rates "Invoice Chaser" 2 stars with the review "Too slow for our volume"
      Then "Invoice Chaser" is rated 3.50 from 2 ratings
      When Ana rates "Invoice Chaser" 4 stars
      Then "Invoice Chaser" is rated 3.00 from 2 ratings
      And Ana's rating of "Invoice Chaser" is 4 stars
      And Ben's rating of "Invoice Chaser" is 2 stars with the review "Too slow for our volume"

    @C1
    Scenario Outline: A rating of <stars> stars by a customer who <history> "Invoice Chaser" is refused
      Given Olga has published "Invoice Chaser" at 29 USD
      And Cleo <history> "Invoice Chaser"
      When Cleo tries to rate "Invoice Chaser" <stars> stars
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples: No rating right
        | history                   | stars | explanation                                      |
        | has never bought          | 5     | only users who ran this workflow or hold a paid  |
        | only had a refused run of | 5     | only users who ran this workflow or hold a paid  |
        | got a refund for          | 4     | only users who ran this workflow or hold a paid  |
        | has an unpaid order for   | 4     | only users who ran this workflow or hold a paid  |

      Examples: Stars out of range
        | history | stars | explanation                     |
        | has run | 6     | a rating is 1 to 5 stars, not 6  |
        | has run | 0     | a rating is 1 to 5 stars, not 0  |
        | bought  | -1    | a rating is 1 to 5 stars, not -1 |

  Rule: Replies stay on the workflow of the comment they answer; authors hear about comments

    @C2
    Scenario: A comment and a reply notify the workflow's author and the commenter
      Given Olga has published "Lead Enrichment" for free
      When Ana comments on "Lead Enrichment": "Works great with HubSpot"
      And Ben replies to Ana's comment: "Did you map the custom fields?"
      Then the discussion of "Lead Enrichment" reads:
        | author | comment                        | answering |
        | Ana    | Works great with HubSpot       |           |
        | Ben    | Did you map the custom fields? | Ana       |
      And Olga's notifications read:
        | from | about                          |
        | Ana  | a comment on "Lead Enrichment" |
        | Ben  | a comment on "Lead Enrichment" |
      And Ana's notifications read:
        | from | about                        |
        | Ben  | a reply on "Lead Enrichment" |

    @C2
    Scenario Outline: A comment <case> is refused
      Given Olga has published "Lead Enrichment" for free
      And Olga has published "Invoice Chaser" at 29 USD
      And the listing of "Lead Scoring" is draft
      And Ana commented on "Lead Enrichment"
      When Ben tries to <action>
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | case                            | action                                                  | explanation                        |
        | answering on another workflow   | reply on "Invoice Chaser" to Ana's comment: "Same here" | a reply stays on the workflow of   |
        | without any text                | comment on "Lead Enrichment": "   "                     | a comment needs some text          |
        | on a workflow not yet published | comment on "Lead Scoring": "Looking forward to it"      | only published workflows take      |

  Rule: Three distinct reporters hide a comment pending review; a moderator restores or removes it

    @C3
    Scenario Outline: A comment reported by three people waits for a moderator, who <decision> it
      Given Olga has published "Lead Enrichment" for free
      And Ana commented on "Lead Enrichment"
      And Mia is a moderator
      When Ben reports Ana's comment as spam
      And Ben reports Ana's comment as spam again
      And Cleo reports Ana's comment as abuse
      Then Ana's comment is visible, reported by 2 people
      When Dev reports Ana's comment as off topic
      Then Ana's comment is hidden pending review, reported by 3 people
      When Mia <decision> Ana's comment
      Then Ana's comment is <final state>, reported by 3 people
      And the activity feed for Ana's comment reads:
        | who          | what                     |
        | Ben          | reported it as spam      |
        | Cleo         | reported it as abuse     |
        | Dev          | reported it as off topic |
        | the platform | hid it pending review    |
        | Mia          | <decided> it             |

      Examples:
        | decision | decided  | final state |
        | restores | restored | visible     |
        | removes  | removed  | removed     |

    @C3
    Scenario Outline: <who> is refused when trying to <action>
      Given Olga has published "Lead Enrichment" for free
      And Ana commented on "Lead Enrichment"
      And Mia is a moderator
      When <who> tries to <action>
      Then the request is refused, saying "<explanation>"
      And nothing has changed on the platform

      Examples:
        | who | action                         | explanation                                   |
        | Ana | report Ana's comment as spam   | users cannot report their own comments        |
        | Ben | remove Ana's comment           | only moderators and admins decide on comments |
        | Mia | restore Ana's comment          | only a hidden comment can be restored         |

  Rule: A favorite is one per person; the count is the number of distinct people

    @C4
    Scenario: Favoriting twice is one favorite, and unfavoriting lowers the count
      Given Olga has published "Lead Enrichment" for free
      When Ana favorites "Lead Enrichment"
      And Ana favorites "Lead Enrichment" again
      And Ben favorites "Lead Enrichment"
      Then "Lead Enrichment" is a favorite of 2 people: Ana and Ben
      When Ana unfavorites "Lead Enrichment"
      And Ana unfavorites "Lead Enrichment" again
      Then "Lead Enrichment" is a favorite of 1 person: Ben
