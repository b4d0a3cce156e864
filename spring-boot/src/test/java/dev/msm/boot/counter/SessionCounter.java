package dev.msm.boot.counter;

import jakarta.servlet.http.HttpSession;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page of the starter tests' applications: {@code GET /count} counts per session and answers {@code count=N}.
 * Imported by each application; in a package of its own, so that no application finds it by scanning as well.
 */
@RestController
public class SessionCounter {

    /** Counts per session. */
    @GetMapping("/count")
    String count(HttpSession session) {
        Integer n = (Integer) session.getAttribute("count");
        int next = n == null ? 1 : n + 1;
        session.setAttribute("count", next);
        return "count=" + next;
    }
}
