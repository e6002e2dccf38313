-- Community rules (scenarios C1-C4): ratings, comments and replies, reports and moderation,
-- favorites. Every function checks its input and raises fail('<code>', '<sentence>') on bad
-- input, changing nothing.
--
-- Decisions where the product definition is silent:
-- * Only active users rate, comment, report and favorite; only published workflows take new
--   ratings, comments and favorites (archived listings are read-only). Unfavoriting is always
--   allowed.
-- * Authors cannot rate their own workflows. A user who ran a workflow keeps the rating right
--   after a refund (the right is "ran it OR holds a paid purchase").
-- * The average rating is rounded to 2 decimals; both counters are recomputed from the ratings
--   under a lock on the workflow row, so concurrent ratings cannot skew them.
-- * Comment bodies and reviews are stored exactly as written. A body of only whitespace is
--   refused; a review of only whitespace is stored as no review.
-- * New comments notify the workflow's author ('comment_posted' with recipient_id); a reply also
--   notifies the author of the comment it answers ('comment_replied'). Nobody is notified of
--   their own comment. Replies to hidden or removed comments are refused.
-- * A second report by the same user returns the first report and logs nothing. Reports of a
--   hidden comment are recorded (more evidence for the moderator); reports of a removed
--   comment are refused.
-- * After a moderator restores a comment, only reports made after that decision count towards
--   hiding it again (earlier reporters cannot report it a second time).
-- * Moderators and admins may remove a visible or hidden comment and restore a hidden one;
--   removal is final.

-- The user row; an unknown user is a clear error.
CREATE FUNCTION existing_user(wanted_user_id bigint) RETURNS users
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_user users;
BEGIN
    SELECT * INTO found_user FROM users WHERE id = wanted_user_id;
    IF NOT FOUND THEN
        PERFORM fail('unknown_user', format('there is no user with id %s', wanted_user_id));
    END IF;
    RETURN found_user;
END $$;

CREATE FUNCTION active_user(wanted_user_id bigint) RETURNS users
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_user users := existing_user(wanted_user_id);
BEGIN
    IF found_user.status <> 'active' THEN
        PERFORM fail('account_inactive', format('user %s is %s and cannot take part in the community',
                                                found_user.id, found_user.status));
    END IF;
    RETURN found_user;
END $$;

-- The workflow row, locked (its counters follow), and required to be published.
CREATE FUNCTION lock_published_workflow(wanted_workflow_id bigint) RETURNS workflows
LANGUAGE plpgsql AS $$
DECLARE
    found_workflow workflows := lock_workflow(wanted_workflow_id);
BEGIN
    IF found_workflow.status <> 'published' THEN
        PERFORM fail('workflow_unavailable', format('workflow %s is %s; only published workflows take ratings, comments and favorites',
                                                    found_workflow.id, found_workflow.status));
    END IF;
    RETURN found_workflow;
END $$;

CREATE FUNCTION lock_comment(wanted_comment_id bigint) RETURNS comments
LANGUAGE plpgsql AS $$
DECLARE
    found_comment comments;
BEGIN
    SELECT * INTO found_comment FROM comments WHERE id = wanted_comment_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM fail('unknown_comment', format('there is no comment with id %s', wanted_comment_id));
    END IF;
    RETURN found_comment;
END $$;

CREATE FUNCTION is_blank(text_value text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(text_value ~ '^[[:space:]\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*$', true)
$$;

-- C1: a user may rate a workflow they ran (any admitted run) or hold a paid, unrefunded purchase of.
CREATE FUNCTION has_rating_right(rater_id bigint, rated_workflow_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM executions
                   WHERE user_id = rater_id AND workflow_id = rated_workflow_id AND status <> 'refused')
        OR holds_purchase(rater_id, rated_workflow_id)
$$;

CREATE FUNCTION check_rating(rater users, listing workflows, stars integer, review text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF stars IS NULL OR stars NOT BETWEEN 1 AND 5 THEN
        PERFORM fail('invalid_stars', format('a rating is 1 to 5 stars, not %s', coalesce(stars::text, 'none')));
    END IF;
    IF length(review) > 5000 THEN
        PERFORM fail('review_too_long', format('a review has at most 5000 characters, this one has %s', length(review)));
    END IF;
    IF listing.author_id = rater.id THEN
        PERFORM fail('own_workflow', 'authors cannot rate their own workflows');
    END IF;
    IF NOT has_rating_right(rater.id, listing.id) THEN
        PERFORM fail('no_rating_right', 'only users who ran this workflow or hold a paid purchase of it may rate it');
    END IF;
END $$;

-- C1: rate (or re-rate) a workflow; returns the rating.
CREATE FUNCTION rate_workflow(rater_id bigint, rated_workflow_id bigint, given_stars integer,
                              given_review text DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS ratings
LANGUAGE plpgsql AS $$
DECLARE
    rater users := active_user(rater_id);
    listing workflows := lock_published_workflow(rated_workflow_id);
    previous ratings;
    rating ratings;
BEGIN
    PERFORM check_rating(rater, listing, given_stars, given_review);
    SELECT * INTO previous FROM ratings WHERE workflow_id = listing.id AND user_id = rater.id;
    IF at IS NULL OR at < previous.updated_at THEN
        PERFORM fail('invalid_time', format('a rating last changed at %s cannot be changed at %s',
                                            previous.updated_at, coalesce(at::text, 'no time')));
    END IF;
    INSERT INTO ratings AS existing (workflow_id, user_id, stars, review, created_at, updated_at)
    VALUES (listing.id, rater.id, given_stars, CASE WHEN NOT is_blank(given_review) THEN given_review END, at, at)
    ON CONFLICT (workflow_id, user_id) DO UPDATE
        SET stars = EXCLUDED.stars, review = EXCLUDED.review, updated_at = EXCLUDED.updated_at
    RETURNING * INTO rating;

    UPDATE workflows
    SET rating_count = summary.rating_count, average_rating = summary.average_rating
    FROM (SELECT count(*) AS rating_count, round(avg(stars), 2) AS average_rating
          FROM ratings WHERE workflow_id = listing.id) AS summary
    WHERE id = listing.id;

    PERFORM log_activity(rater.id, 'workflow_rated', 'rating', rating.id,
                         jsonb_build_object('workflow_id', listing.id, 'stars', given_stars,
                                            'previous_stars', previous.stars),
                         listing.author_id, at);
    RETURN rating;
END $$;

CREATE FUNCTION check_comment_body(comment_body text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF is_blank(comment_body) THEN
        PERFORM fail('empty_comment', 'a comment needs some text');
    END IF;
    IF length(comment_body) > 5000 THEN
        PERFORM fail('comment_too_long', format('a comment has at most 5000 characters, this one has %s',
                                                length(comment_body)));
    END IF;
END $$;

-- The comment a reply answers: on the same workflow, visible, and older than the reply.
CREATE FUNCTION answerable_comment(parent_comment_id bigint, on_workflow_id bigint, at timestamptz)
RETURNS comments
LANGUAGE plpgsql AS $$
DECLARE
    parent comments := lock_comment(parent_comment_id);
BEGIN
    IF parent.workflow_id <> on_workflow_id THEN
        PERFORM fail('reply_to_other_workflow',
                     format('comment %s is on workflow %s, not workflow %s; a reply stays on the workflow of the comment it answers',
                            parent.id, parent.workflow_id, on_workflow_id));
    END IF;
    IF parent.moderation_status <> 'visible' THEN
        PERFORM fail('comment_not_visible', format('comment %s is %s and cannot be answered',
                                                   parent.id, parent.moderation_status));
    END IF;
    IF at < parent.created_at THEN
        PERFORM fail('invalid_time', format('a reply cannot be written at %s, before the comment it answers (%s)',
                                            at, parent.created_at));
    END IF;
    RETURN parent;
END $$;

-- C2: post a comment, or a reply when parent_comment_id is given; returns the comment.
CREATE FUNCTION add_comment(commented_workflow_id bigint, commenter_id bigint, comment_body text,
                            parent_comment_id bigint DEFAULT NULL, at timestamptz DEFAULT now())
RETURNS comments
LANGUAGE plpgsql AS $$
DECLARE
    commenter users;
    listing workflows;
    parent comments;
    posted comments;
BEGIN
    PERFORM check_comment_body(comment_body);
    IF at IS NULL THEN
        PERFORM fail('missing_time', 'a comment needs the time it was written');
    END IF;
    commenter := active_user(commenter_id);
    listing := lock_published_workflow(commented_workflow_id);
    IF parent_comment_id IS NOT NULL THEN
        parent := answerable_comment(parent_comment_id, listing.id, at);
    END IF;

    INSERT INTO comments (workflow_id, author_id, parent_id, body, created_at, updated_at)
    VALUES (listing.id, commenter.id, parent.id, comment_body, at, at)
    RETURNING * INTO posted;

    PERFORM log_activity(commenter.id, 'comment_posted', 'comment', posted.id,
                         jsonb_build_object('workflow_id', listing.id, 'parent_id', parent.id),
                         nullif(listing.author_id, commenter.id), at);
    IF parent.author_id NOT IN (commenter.id, listing.author_id) THEN
        PERFORM log_activity(commenter.id, 'comment_replied', 'comment', posted.id,
                             jsonb_build_object('workflow_id', listing.id, 'parent_id', parent.id),
                             parent.author_id, at);
    END IF;
    RETURN posted;
END $$;

-- Distinct users who reported the comment since a moderator last decided on it.
CREATE FUNCTION open_report_count(reported comments) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT count(DISTINCT reporter_id)::integer FROM comment_reports
    WHERE comment_id = reported.id AND (reported.moderated_at IS NULL OR created_at > reported.moderated_at)
$$;

-- C3: report a comment; the threshold of distinct reporters hides it pending review.
CREATE FUNCTION report_comment(reported_comment_id bigint, reporting_user_id bigint, report_reason text,
                               at timestamptz DEFAULT now())
RETURNS comment_reports
LANGUAGE plpgsql AS $$
DECLARE
    reporter users := active_user(reporting_user_id);
    -- Reports of one comment wait here for each other, so the count below cannot race.
    reported comments := lock_comment(reported_comment_id);
    report comment_reports;
BEGIN
    IF report_reason IS NULL OR report_reason NOT IN ('spam', 'abuse', 'off_topic', 'misleading', 'other') THEN
        PERFORM fail('invalid_reason', format('%L is not a report reason; the reasons are spam, abuse, off_topic, misleading and other',
                                              report_reason));
    END IF;
    IF reported.author_id = reporter.id THEN
        PERFORM fail('own_comment', 'users cannot report their own comments');
    END IF;
    IF reported.moderation_status = 'removed' THEN
        PERFORM fail('comment_removed', format('comment %s was already removed', reported.id));
    END IF;
    IF at IS NULL OR at < reported.created_at THEN
        PERFORM fail('invalid_time', format('comment %s cannot be reported at %s, before it was written',
                                            reported.id, coalesce(at::text, 'no time')));
    END IF;
    SELECT * INTO report FROM comment_reports WHERE comment_id = reported.id AND comment_reports.reporter_id = reporter.id;
    IF FOUND THEN
        RETURN report;  -- a second report by the same user is no new report
    END IF;

    INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at)
    VALUES (reported.id, reporter.id, report_reason, at)
    RETURNING * INTO report;
    PERFORM log_activity(reporter.id, 'comment_reported', 'comment', reported.id,
                         jsonb_build_object('reason', report_reason), NULL, at);

    IF reported.moderation_status = 'visible'
       AND open_report_count(reported) >= setting_int('moderation_report_threshold') THEN
        UPDATE comments SET moderation_status = 'hidden_pending_review' WHERE id = reported.id;
        PERFORM log_activity(NULL, 'comment_hidden', 'comment', reported.id,
                             jsonb_build_object('reports', open_report_count(reported),
                                                'threshold', setting_int('moderation_report_threshold')),
                             reported.author_id, at);
    END IF;
    RETURN report;
END $$;

-- C3: a moderator or admin restores a hidden comment or removes a comment.
CREATE FUNCTION moderate_comment(moderated_comment_id bigint, moderator_id bigint, decision text,
                                 at timestamptz DEFAULT now())
RETURNS comments
LANGUAGE plpgsql AS $$
DECLARE
    moderator users := active_user(moderator_id);
    moderated comments;
    reports_decided integer;
BEGIN
    IF moderator.role NOT IN ('moderator', 'admin') THEN
        PERFORM fail('not_a_moderator', format('user %s is a %s; only moderators and admins decide on comments',
                                               moderator.id, moderator.role));
    END IF;
    IF decision IS NULL OR decision NOT IN ('restore', 'remove') THEN
        PERFORM fail('invalid_decision', format('%L is not a moderation decision; it is restore or remove', decision));
    END IF;
    moderated := lock_comment(moderated_comment_id);
    IF moderated.moderation_status = 'removed' THEN
        PERFORM fail('already_removed', format('comment %s was already removed; removal is final', moderated.id));
    END IF;
    IF decision = 'restore' AND moderated.moderation_status <> 'hidden_pending_review' THEN
        PERFORM fail('nothing_to_restore', format('comment %s is not hidden; only a hidden comment can be restored',
                                                  moderated.id));
    END IF;
    IF at IS NULL OR at < moderated.created_at THEN
        PERFORM fail('invalid_time', format('comment %s cannot be moderated at %s, before it was written',
                                            moderated.id, coalesce(at::text, 'no time')));
    END IF;

    reports_decided := open_report_count(moderated);
    UPDATE comments
    SET moderation_status = CASE decision WHEN 'restore' THEN 'visible' ELSE 'removed' END,
        moderated_at = at, moderated_by = moderator.id
    WHERE id = moderated.id
    RETURNING * INTO moderated;
    PERFORM log_activity(moderator.id, CASE decision WHEN 'restore' THEN 'comment_restored' ELSE 'comment_removed' END,
                         'comment', moderated.id, jsonb_build_object('reports', reports_decided),
                         moderated.author_id, at);
    RETURN moderated;
END $$;

CREATE FUNCTION recount_favorites(counted_workflow_id bigint) RETURNS integer
LANGUAGE sql AS $$
    UPDATE workflows
    SET favorite_count = (SELECT count(DISTINCT user_id) FROM favorites WHERE workflow_id = counted_workflow_id)
    WHERE id = counted_workflow_id
    RETURNING favorite_count
$$;

-- C4: favorite a workflow; favoriting it again changes nothing. Returns the favorite.
CREATE FUNCTION favorite_workflow(fan_id bigint, favored_workflow_id bigint, at timestamptz DEFAULT now())
RETURNS favorites
LANGUAGE plpgsql AS $$
DECLARE
    fan users := active_user(fan_id);
    listing workflows := lock_published_workflow(favored_workflow_id);
    favorite favorites;
BEGIN
    IF at IS NULL THEN
        PERFORM fail('missing_time', 'a favorite needs the time it was made');
    END IF;
    SELECT * INTO favorite FROM favorites WHERE workflow_id = listing.id AND user_id = fan.id;
    IF FOUND THEN
        RETURN favorite;
    END IF;
    INSERT INTO favorites (workflow_id, user_id, created_at) VALUES (listing.id, fan.id, at) RETURNING * INTO favorite;
    PERFORM recount_favorites(listing.id);
    PERFORM log_activity(fan.id, 'workflow_favorited', 'workflow', listing.id, '{}'::jsonb, NULL, at);
    RETURN favorite;
END $$;

-- C4: take a favorite back; returns whether there was one.
CREATE FUNCTION unfavorite_workflow(fan_id bigint, unfavored_workflow_id bigint, at timestamptz DEFAULT now())
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    fan users := existing_user(fan_id);
    listing workflows := lock_workflow(unfavored_workflow_id);
BEGIN
    IF at IS NULL THEN
        PERFORM fail('missing_time', 'taking back a favorite needs the time');
    END IF;
    DELETE FROM favorites WHERE workflow_id = listing.id AND user_id = fan.id;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM recount_favorites(listing.id);
    PERFORM log_activity(fan.id, 'workflow_unfavorited', 'workflow', listing.id, '{}'::jsonb, NULL, at);
    RETURN true;
END $$;
